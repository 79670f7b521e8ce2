package org.switchboard.security;

/** What a client does on a channel, each granted separately by the channel rules. */
public enum ChannelAction {
    /** Subscribe, which includes reading its history and hearing joins and leaves. */
    SUBSCRIBE("subscribe"),
    PUBLISH("publish"),
    /** List who is subscribed. */
    PRESENCE("presence");

    private final String word;

    ChannelAction(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    static ChannelAction of(String word) {
        for (ChannelAction action : values()) {
            if (action.word.equals(word)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown action '" + word + "' (subscribe, publish, presence or *)");
    }
}
