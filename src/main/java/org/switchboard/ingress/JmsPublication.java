package org.switchboard.ingress;

import java.io.StringReader;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import org.switchboard.protocol.ErrorCode;

/**
 * Reads a back end's JMS message as a publication: a text message whose body is the JSON
 * {@code data}, with the channel in the string property {@code channel} and an optional
 * idempotency key in {@code key}. Without a key the message's JMSMessageID is the key, so a
 * redelivery (after a rollback or a broker restart) is answered as a duplicate, never published twice.
 */
final class JmsPublication {

    static final String CHANNEL = "channel";
    static final String KEY = "key";
    static final String SENDER = "sender";

    private JmsPublication() {
    }

    /** The publication, or why the message cannot be one. */
    sealed interface Read {
    }

    record Valid(Publication publication, String sender) implements Read {
    }

    record Invalid(ApiError error) implements Read {
    }

    static Read read(Message message) throws JMSException {
        if (!(message instanceof TextMessage text) || text.getText() == null) {
            return new Invalid(ApiError.of(ErrorCode.MISSING_FIELD, "the message must be a TextMessage whose body is the JSON data"));
        }
        String channel = message.getStringProperty(CHANNEL);
        if (channel == null) {
            return new Invalid(ApiError.of(ErrorCode.MISSING_FIELD, "the string property 'channel' names the channel"));
        }
        String data;
        try (JsonReader reader = Json.createReader(new StringReader(text.getText()))) {
            data = reader.readValue().toString();
        } catch (JsonException | IllegalStateException e) {
            return new Invalid(ApiError.of(ErrorCode.MALFORMED_JSON, "the body is not one JSON value"));
        }
        String key = message.getStringProperty(KEY);
        if (key == null) {
            key = "jms:" + message.getJMSMessageID();
        }
        return new Valid(new Publication(channel, data, key), message.getStringProperty(SENDER));
    }
}
