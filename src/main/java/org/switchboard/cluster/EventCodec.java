package org.switchboard.cluster;

import org.switchboard.bus.HubEvent;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.switchboard.protocol.Member;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs several {@link HubEvent}s into one JMS bytes message. Under load every broker round trip
 * costs far more than the bytes it carries, so the ingress publisher and the sequencer send
 * whatever has queued up since their last send as one message; with nothing queued a batch is a
 * single event, so batching adds no wait. The layout is private to the members of one cluster,
 * which run the same build: a format byte, then per event its kind, channel, sender, timestamp,
 * position, reference, idempotency key and payload.
 */
final class EventCodec {

    private static final byte FORMAT = 3;
    /** Read too (its senders have no {@code user}), so a member of this version understands older members during a rolling upgrade. */
    private static final byte PREVIOUS_FORMAT = 2;

    private EventCodec() {
    }

    /** Collects events until {@link #isFull}; then {@link #toMessage} makes one message of them. */
    static final class Batch {
        static final int MAX_EVENTS = 512;
        static final int MAX_BYTES = 256 * 1024;

        private final Buffer bytes = new Buffer();
        private final DataOutputStream out = new DataOutputStream(bytes);
        private int count;

        Batch() {
            bytes.write(FORMAT);
        }

        /** Empties the batch for reuse: a sender thread keeps one and its grown buffer. */
        void clear() {
            bytes.reset();
            bytes.write(FORMAT);
            count = 0;
        }

        void add(HubEvent event) {
            try {
                out.writeByte(event.kind().ordinal());
                out.writeUTF(event.channel());
                out.writeUTF(event.from().connection());
                out.writeUTF(event.from().name());
                out.writeUTF(event.from().user() == null ? "" : event.from().user());
                out.writeLong(event.ts());
                out.writeLong(event.epoch());
                out.writeLong(event.seq());
                writeNullable(out, event.ref());
                writeNullable(out, event.key());
                writeNullable(out, event.dataJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count++;
        }

        int size() {
            return count;
        }

        boolean isEmpty() {
            return count == 0;
        }

        boolean isFull() {
            return count >= MAX_EVENTS || bytes.size() >= MAX_BYTES;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }

        Message toMessage(Session session) throws JMSException {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(bytes.array(), 0, bytes.size());
            return message;
        }
    }

    /** Lets the message copy the batch straight from the buffer. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(4096);
        }

        byte[] array() {
            return buf;
        }
    }

    /**
     * A producer for event batches, bound to its destination (OpenMQ registers an unbound producer
     * with the broker again on every send): non-persistent, without message id or timestamp, so a
     * send is one write to the broker.
     */
    static MessageProducer producer(Session session, Destination destination) throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        producer.setDisableMessageID(true);
        producer.setDisableMessageTimestamp(true);
        return producer;
    }

    static List<HubEvent> fromMessage(Message message) throws JMSException {
        if (!(message instanceof BytesMessage bytesMessage)) {
            throw new JMSException("not an event batch: " + message.getClass().getName());
        }
        byte[] body = new byte[(int) bytesMessage.getBodyLength()];
        bytesMessage.readBytes(body);
        return decode(body);
    }

    static List<HubEvent> decode(byte[] body) {
        if (body.length == 0 || body[0] != FORMAT && body[0] != PREVIOUS_FORMAT) {
            throw new IllegalArgumentException("unknown event batch format");
        }
        boolean withUser = body[0] == FORMAT;
        HubEvent.Kind[] kinds = HubEvent.Kind.values();
        List<HubEvent> events = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, 1, body.length - 1))) {
            while (in.available() > 0) {
                HubEvent.Kind kind = kinds[in.readByte()];
                String channel = in.readUTF();
                Member from = member(in.readUTF(), in.readUTF(), withUser ? in.readUTF() : "");
                long ts = in.readLong();
                long epoch = in.readLong();
                long seq = in.readLong();
                String ref = readNullable(in);
                String key = readNullable(in);
                String data = readNullable(in);
                events.add(new HubEvent(kind, channel, from, ts, data, epoch, seq, ref, key));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated event batch", e);
        }
        return events;
    }

    /** Length-prefixed UTF-8 (not {@code writeUTF}, whose 64 KB limit a payload may exceed); -1 is null. */
    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readNullable(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static Member member(String connection, String name, String user) {
        return new Member(connection, name, user.isEmpty() ? null : user);
    }
}
