package org.switchboard.example;

import java.io.IOException;
import java.util.Collections;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the hub could not publish, and why: browses (does not consume) the dead-letter queue, where
 * each message carries the properties {@code reason} (an error code), {@code reasonMessage} and
 * {@code originalMessageId}. {@code GET /jms-publisher/dead-letters}.
 */
@WebServlet("/dead-letters")
public class DeadLetters extends HttpServlet {

    @Inject
    @JMSConnectionFactory("jms/switchboard/ConnectionFactory")
    JMSContext jms;

    @Resource(lookup = "jms/switchboard/PublishDead")
    Queue deadLetters;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonArrayBuilder list = Json.createArrayBuilder();
        try (QueueBrowser browser = jms.createBrowser(deadLetters)) {
            for (Object o : Collections.list(browser.getEnumeration())) {
                Message m = (Message) o;
                list.add(Json.createObjectBuilder()
                        .add("reason", String.valueOf(m.getStringProperty("reason")))
                        .add("reasonMessage", String.valueOf(m.getStringProperty("reasonMessage")))
                        .add("channel", String.valueOf(m.getStringProperty("channel")))
                        .add("originalMessageId", String.valueOf(m.getStringProperty("originalMessageId"))));
            }
        } catch (JMSException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        response.setContentType("application/json");
        response.getWriter().write(list.build().toString());
    }
}
