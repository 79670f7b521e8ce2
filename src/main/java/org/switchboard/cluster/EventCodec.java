package org.switchboard.cluster;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.switchboard.protocol.Member;

/**
 * Maps {@link HubEvent}s to JMS text messages: the payload is the body, the rest are message
 * properties, so nobody parses the payload on the way through.
 */
final class EventCodec {

    static final String KIND = "sbKind";
    static final String CHANNEL = "sbChannel";
    static final String CONNECTION = "sbConnection";
    static final String NAME = "sbName";
    static final String TS = "sbTs";
    static final String EPOCH = "sbEpoch";
    static final String SEQ = "sbSeq";
    static final String REF = "sbRef";

    private EventCodec() {
    }

    static Message toMessage(JMSContext context, HubEvent event) throws JMSException {
        TextMessage message = context.createTextMessage(event.dataJson());
        message.setStringProperty(KIND, event.kind().name());
        message.setStringProperty(CHANNEL, event.channel());
        message.setStringProperty(CONNECTION, event.from().connection());
        message.setStringProperty(NAME, event.from().name());
        message.setLongProperty(TS, event.ts());
        message.setLongProperty(EPOCH, event.epoch());
        message.setLongProperty(SEQ, event.seq());
        if (event.ref() != null) {
            message.setStringProperty(REF, event.ref());
        }
        return message;
    }

    static HubEvent fromMessage(Message message) throws JMSException {
        String body = message instanceof TextMessage text ? text.getText() : null;
        return new HubEvent(
                HubEvent.Kind.valueOf(message.getStringProperty(KIND)),
                message.getStringProperty(CHANNEL),
                new Member(message.getStringProperty(CONNECTION), message.getStringProperty(NAME)),
                message.getLongProperty(TS),
                body,
                message.propertyExists(EPOCH) ? message.getLongProperty(EPOCH) : 0,
                message.propertyExists(SEQ) ? message.getLongProperty(SEQ) : 0,
                message.getStringProperty(REF));
    }
}
