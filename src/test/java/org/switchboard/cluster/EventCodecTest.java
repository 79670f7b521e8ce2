package org.switchboard.cluster;

import org.switchboard.bus.HubEvent;

import org.junit.jupiter.api.Test;
import org.switchboard.protocol.Member;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    private static final Member ALICE = new Member("c-1", "Alice Ünïcode ✓");

    @Test
    void batchRoundTripsEveryFieldIncludingNullsAndLargePayloads() {
        String large = "{\"text\":\"" + "é".repeat(40_000) + "\"}";
        List<HubEvent> events = List.of(
                new HubEvent(HubEvent.Kind.MESSAGE, "room:1", ALICE, 1_700_000_000_123L, "{\"n\":1}", 42L, 7L, "m1:99", "key-1"),
                new HubEvent(HubEvent.Kind.JOIN, "room:1", ALICE, 5L, null, 0, 0, null, null),
                new HubEvent(HubEvent.Kind.LEAVE, "room:2", new Member("c-2", "bob", "bob@corp"), 6L, null, 0, 0, "x", null),
                new HubEvent(HubEvent.Kind.MESSAGE, "big", ALICE, 7L, large, 1L, 2L, null, null),
                new HubEvent(HubEvent.Kind.DUPLICATE, "room:1", ALICE, 8L, null, 42L, 3L, "m1:98", "key-0"),
                new HubEvent(HubEvent.Kind.REJECTED, "room:1", ALICE, 9L, "history store unavailable", 0, 0, "m1:97", null));
        EventCodec.Batch batch = new EventCodec.Batch();
        events.forEach(batch::add);

        assertEquals(6, batch.size());
        assertEquals(events, EventCodec.decode(batch.toBytes()));
    }

    @Test
    void aBatchOfThePreviousFormatFromAnOlderMemberStillDecodesWithoutUser() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeByte(2);
        out.writeByte(HubEvent.Kind.MESSAGE.ordinal());
        out.writeUTF("room:1");
        out.writeUTF("c-1");
        out.writeUTF("Alice");
        out.writeLong(11L);
        out.writeLong(42L);
        out.writeLong(7L);
        out.writeInt(-1);
        out.writeInt(-1);
        byte[] data = "{\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(data.length);
        out.write(data);
        assertEquals(List.of(new HubEvent(HubEvent.Kind.MESSAGE, "room:1", new Member("c-1", "Alice"), 11L, "{\"n\":1}", 42L, 7L, null, null)),
                EventCodec.decode(bytes.toByteArray()));
    }

    @Test
    void batchIsFullByCountOrBytes() {
        EventCodec.Batch byCount = new EventCodec.Batch();
        for (int i = 0; i < EventCodec.Batch.MAX_EVENTS - 1; i++) {
            byCount.add(HubEvent.message("c", ALICE, "1"));
        }
        assertFalse(byCount.isFull());
        byCount.add(HubEvent.message("c", ALICE, "1"));
        assertTrue(byCount.isFull());

        EventCodec.Batch byBytes = new EventCodec.Batch();
        byBytes.add(HubEvent.message("c", ALICE, "\"" + "x".repeat(EventCodec.Batch.MAX_BYTES) + "\""));
        assertTrue(byBytes.isFull());
    }

    @Test
    void rejectsForeignOrTruncatedBodies() {
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode("{\"n\":1}".getBytes()));
        EventCodec.Batch batch = new EventCodec.Batch();
        batch.add(HubEvent.message("c", ALICE, "{}"));
        byte[] whole = batch.toBytes();
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(truncated));
    }
}
