package io.avalanche.rpm.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Test helper: a listener on 127.0.0.1 that accepts connections and never answers, as an S3 endpoint gone silent. */
final class SilentEndpoint implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

    private SilentEndpoint(ServerSocket socket) {
        this.socket = socket;
    }

    static SilentEndpoint start() throws IOException {
        SilentEndpoint e = new SilentEndpoint(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    e.held.add(e.socket.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
        return e;
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** True once a client has connected (the acceptor thread gets up to 5 s to run on a busy machine). */
    boolean connected() throws InterruptedException {
        for (int i = 0; i < 100 && held.isEmpty(); i++) {
            Thread.sleep(50);
        }
        return !held.isEmpty();
    }

    @Override
    public void close() throws IOException {
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        socket.close();
    }
}
