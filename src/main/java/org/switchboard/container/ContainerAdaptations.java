package org.switchboard.container;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Every place where the hub adapts Payara's internals (Tyrus, Grizzly, Weld), resolved once at
 * application start and reported once: one log line, the readiness check's data and the
 * {@code switchboard_container_adaptations} metric. Each adaptation sits behind a small interface
 * whose plain-API implementation is used when the adaptation is off ({@value AdaptationSwitch#KEY})
 * or when the internals are not as expected — the hub is then correct, only slower or larger, and
 * the report says which. {@code ContainerHandlesTest} resolves the same handles against the Payara
 * distribution the build unpacks, so a Payara upgrade that breaks one fails the build by name.
 */
@ApplicationScoped
public class ContainerAdaptations {

    public static final String IDLE_TIMEOUT = "tyrus-idle-timeout";
    public static final String FRAME_WRITER = "tyrus-frame-writer";
    public static final String HANDSHAKE_RELEASE = "tyrus-handshake-release";
    public static final String REQUEST_TRIM = "grizzly-request-trim";
    public static final String WRITER_THREADS = "grizzly-writer-threads";
    public static final String INBOUND_INSPECTION = "tyrus-inbound-inspection";
    public static final String WORKER_BACKLOG = "grizzly-worker-backlog";
    public static final String DIRECT_UPGRADE = "catalina-direct-upgrade";
    public static final String DIRECT_BEANS = DirectBeans.NAME;
    public static final String SHARED_ENDPOINT = SharedEndpointConfigurator.NAME;

    /** Every adaptation, in the order of the report. */
    public static final List<String> NAMES = List.of(IDLE_TIMEOUT, FRAME_WRITER, REQUEST_TRIM, HANDSHAKE_RELEASE,
            WRITER_THREADS, INBOUND_INSPECTION, WORKER_BACKLOG, DIRECT_UPGRADE, DIRECT_BEANS, SHARED_ENDPOINT);

    private static final Logger LOG = Logger.getLogger(ContainerAdaptations.class.getName());

    private IdleTimeouts idleTimeouts = IdleTimeouts.NONE;
    private FrameWriters frameWriters = FrameWriters.SESSION_API;
    private HandshakeRelease handshakeRelease = HandshakeRelease.NONE;
    private WriterThreads writerThreads = WriterThreads.PLAIN;
    private InboundInspection inboundInspection = InboundInspection.NONE;
    private WorkerBacklog workerBacklog = WorkerBacklog.UNKNOWN;
    private UpgradeHandlers upgradeHandlers = UpgradeHandlers.CONTAINER;
    private TimeoutScheduler idleTasks;
    private volatile List<AdaptationStatus> statuses = List.of();

    /** The reflective work of one adaptation; throws when the internals are not as expected. */
    @FunctionalInterface
    private interface Resolution<T> {
        T resolve() throws ReflectiveOperationException;
    }

    /**
     * Resolves every adaptation with the class loader that sees the container's classes, installs the
     * container-wide ones and logs the report. Called once by the hub's lifecycle, first of all, so
     * that the WebSocket container is adapted before the first client connects.
     */
    public synchronized List<AdaptationStatus> start(ServletContext servletContext, ThreadFactory idleThreads) {
        String setting = AdaptationSwitch.configured();
        ClassLoader loader = ContainerAdaptations.class.getClassLoader();
        List<AdaptationStatus> report = new ArrayList<>();

        idleTasks = new TimeoutScheduler(idleThreads);
        Object container = servletContext == null ? null : servletContext.getAttribute(ServerContainer.class.getName());
        TyrusIdleTimeoutBypass bypass = adapt(report, setting, IDLE_TIMEOUT,
                () -> TyrusIdleTimeoutBypass.install(TyrusIdleTimeoutBypass.Handles.resolve(loader), container, idleTasks));
        if (bypass != null) {
            idleTimeouts = bypass;
            if (!bypass.isContainerWide()) {
                replace(report, AdaptationStatus.fallback(IDLE_TIMEOUT,
                        "the WebSocket container is not Tyrus' BaseContainer; sessions are redirected as they open"));
            }
        }

        TyrusFrameWriter.Handles writerHandles = adapt(report, setting, FRAME_WRITER, () -> TyrusFrameWriter.Handles.resolve(loader));
        if (writerHandles != null) {
            frameWriters = new TyrusFrameWriter(writerHandles);
        }

        RequestTrim trim = RequestTrim.NONE;
        GrizzlyRequestTrim.Handles trimHandles = adapt(report, setting, REQUEST_TRIM, () -> GrizzlyRequestTrim.Handles.resolve(loader));
        if (trimHandles != null) {
            trim = new GrizzlyRequestTrim(trimHandles);
        }
        RequestTrim chosenTrim = trim;
        TyrusHandshakeRelease release = adapt(report, setting, HANDSHAKE_RELEASE, () -> new TyrusHandshakeRelease(
                TyrusHandshakeRelease.Handles.resolve(loader), TyrusFrameWriter.Handles.resolve(loader), chosenTrim));
        if (release != null) {
            handshakeRelease = release;
        } else if (trimHandles != null) {
            // the trim is reached through the handshake release only
            replace(report, AdaptationStatus.fallback(REQUEST_TRIM, "unreachable without " + HANDSHAKE_RELEASE));
        }

        ClassLoader application = Thread.currentThread().getContextClassLoader();
        GrizzlyWriterThreads grizzlyThreads = adapt(report, setting, WRITER_THREADS,
                () -> GrizzlyWriterThreads.create(GrizzlyWriterThreads.Handles.resolve(loader), application));
        if (grizzlyThreads != null) {
            writerThreads = grizzlyThreads;
        }

        TyrusInboundInspection inspection = adapt(report, setting, INBOUND_INSPECTION, () -> new TyrusInboundInspection(
                TyrusInboundInspection.Handles.resolve(loader), TyrusFrameWriter.Handles.resolve(loader)));
        if (inspection != null) {
            inboundInspection = inspection;
        }

        GrizzlyWorkerBacklog.Handles backlogHandles = adapt(report, setting, WORKER_BACKLOG,
                () -> GrizzlyWorkerBacklog.Handles.resolve(loader));
        if (backlogHandles != null) {
            workerBacklog = new GrizzlyWorkerBacklog(backlogHandles);
        }

        CatalinaDirectUpgrade.Handles upgradeHandles = adapt(report, setting, DIRECT_UPGRADE,
                () -> CatalinaDirectUpgrade.Handles.resolve(loader));
        if (upgradeHandles != null) {
            upgradeHandlers = new CatalinaDirectUpgrade(upgradeHandles);
        }

        report.add(DirectBeans.status());
        report.add(SharedEndpointConfigurator.status());
        statuses = List.copyOf(report);
        LOG.info("Switchboard container adaptations: " + statuses.stream()
                .map(s -> s.name() + "=" + s.describe()).collect(Collectors.joining(", ")));
        return statuses;
    }

    private static <T> T adapt(List<AdaptationStatus> report, String setting, String name, Resolution<T> resolution) {
        if (AdaptationSwitch.isOff(name, setting)) {
            report.add(AdaptationStatus.off(name));
            return null;
        }
        try {
            T resolved = resolution.resolve();
            report.add(AdaptationStatus.active(name));
            return resolved;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            report.add(AdaptationStatus.fallback(name, "internals not as expected: " + e));
            return null;
        }
    }

    private static void replace(List<AdaptationStatus> report, AdaptationStatus status) {
        report.replaceAll(s -> s.name().equals(status.name()) ? status : s);
    }

    /** The report of the last {@link #start}; empty before. */
    public List<AdaptationStatus> statuses() {
        return statuses;
    }

    public IdleTimeouts idleTimeouts() {
        return idleTimeouts;
    }

    public FrameWriters frameWriters() {
        return frameWriters;
    }

    public HandshakeRelease handshakeRelease() {
        return handshakeRelease;
    }

    public WriterThreads writerThreads() {
        return writerThreads;
    }

    public InboundInspection inboundInspection() {
        return inboundInspection;
    }

    public WorkerBacklog workerBacklog() {
        return workerBacklog;
    }

    public UpgradeHandlers upgradeHandlers() {
        return upgradeHandlers;
    }

    /** Stops the idle-task scheduler; called by the lifecycle last. */
    public synchronized void stop() {
        if (idleTasks != null) {
            idleTasks.shutdownNow();
        }
    }
}
