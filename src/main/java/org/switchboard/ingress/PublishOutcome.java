package org.switchboard.ingress;

/** What became of a back end's publication: published at a position, or refused with a reason. */
public sealed interface PublishOutcome {

    record Published(long epoch, long seq, boolean duplicate) implements PublishOutcome {
    }

    record Refused(ApiError error) implements PublishOutcome {
    }
}
