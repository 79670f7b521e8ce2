package org.switchboard.example;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An "order service" that tells browsers about its orders through Switchboard: it sends a text
 * message to the hub's JMS ingress, the JSON data as the body and the channel (and optionally an
 * idempotency key) as properties. {@code POST /jms-publisher/orders?channel=orders} with a JSON body.
 */
@WebServlet("/orders")
public class OrderEvents extends HttpServlet {

    @Inject
    @JMSConnectionFactory("jms/switchboard/ConnectionFactory")
    JMSContext jms;

    @Resource(lookup = "jms/switchboard/Publish")
    Queue publish;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String channel = request.getParameter("channel") == null ? "orders" : request.getParameter("channel");
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            TextMessage message = jms.createTextMessage(body);
            message.setStringProperty("channel", channel);
            message.setStringProperty("sender", "order-service");
            if (request.getParameter("key") != null) {
                message.setStringProperty("key", request.getParameter("key"));
            }
            jms.createProducer().send(publish, message);
            response.setStatus(HttpServletResponse.SC_ACCEPTED);
            response.getWriter().write(message.getJMSMessageID());
        } catch (JMSException | JMSRuntimeException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage());
        }
    }
}
