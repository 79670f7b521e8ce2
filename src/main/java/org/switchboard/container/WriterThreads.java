package org.switchboard.container;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the threads that start socket writes. {@link #PLAIN} uses the hub's ordinary (managed)
 * threads; {@link GrizzlyWriterThreads} makes Grizzly worker threads, which write without
 * allocating a fresh buffer per write.
 */
public interface WriterThreads {

    WriterThreads PLAIN = (name, plain) -> plain;

    ThreadFactory factory(String name, ThreadFactory plain);
}
