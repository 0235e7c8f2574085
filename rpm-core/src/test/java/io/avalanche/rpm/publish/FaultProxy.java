package io.avalanche.rpm.publish;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 forwarding proxy on 127.0.0.1 in front of S3Proxy that answers chosen requests with
 * 500/503 or cuts the connection (TCP reset) instead of forwarding them.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { NONE, HTTP_500, HTTP_503, RESET, SILENT }

    /** Decides the fault for the n-th request (1-based) with this method and path. */
    interface Policy {
        Fault decide(int n, String method, String path);
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger counter = new AtomicInteger();
    final List<String> log = new CopyOnWriteArrayList<>();
    volatile Policy policy = (n, m, p) -> Fault.NONE;

    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        pool.execute(this::acceptLoop);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int faultsInjected() {
        return (int) log.stream().filter(l -> !l.startsWith("NONE")).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                pool.execute(() -> serve(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            InputStream uin = new BufferedInputStream(up.getInputStream());
            OutputStream uout = up.getOutputStream();
            while (true) {
                List<String> head = readHead(cin);
                if (head == null) {
                    return;
                }
                String[] line = head.get(0).split(" ");
                String method = line[0];
                Fault f = policy.decide(counter.incrementAndGet(), method, line[1]);
                log.add(f + " " + head.get(0));
                boolean expect = header(head, "expect") != null;
                if (expect) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                }
                if (f == Fault.RESET) {
                    client.setSoLinger(true, 0);
                    return;
                }
                if (f == Fault.SILENT) {   // reads the request, never answers; the client gives up
                    readBody(cin, head);
                    while (cin.read() >= 0) {
                        // until the client closes the connection
                    }
                    return;
                }
                byte[] body = readBody(cin, head);
                if (f == Fault.HTTP_500 || f == Fault.HTTP_503) {
                    int status = f == Fault.HTTP_500 ? 500 : 503;
                    String code = status == 500 ? "InternalError" : "SlowDown";
                    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                            + "</Code><Message>injected</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    cout.write(("HTTP/1.1 " + status + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                            + xml.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    cout.write(xml);
                    cout.flush();
                    return;
                }
                StringBuilder h = new StringBuilder();
                for (String l : head) {
                    if (!l.toLowerCase(Locale.ROOT).startsWith("expect:")) {
                        h.append(l).append("\r\n");
                    }
                }
                uout.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                uout.write(body);
                uout.flush();
                List<String> rhead = readHead(uin);
                if (rhead == null) {
                    return;
                }
                while (rhead.get(0).split(" ")[1].equals("100")) {
                    rhead = readHead(uin);
                }
                StringBuilder rh = new StringBuilder();
                for (String l : rhead) {
                    rh.append(l).append("\r\n");
                }
                cout.write(rh.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                int status = Integer.parseInt(rhead.get(0).split(" ")[1]);
                if (!method.equals("HEAD") && status != 204 && status != 304) {
                    cout.write(readBody(uin, rhead));
                }
                cout.flush();
            }
        } catch (IOException e) {
            // client or upstream went away: the connection ends
        }
    }

    private static String header(List<String> head, String name) {
        for (String l : head.subList(1, head.size())) {
            int c = l.indexOf(':');
            if (c > 0 && l.substring(0, c).trim().equalsIgnoreCase(name)) {
                return l.substring(c + 1).trim();
            }
        }
        return null;
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = readLine(in);
            if (l == null) {
                return null;
            }
            if (l.isEmpty()) {
                return lines.isEmpty() ? null : lines;
            }
            lines.add(l);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The body as framed (Content-Length or chunked, kept chunked). */
    private static byte[] readBody(InputStream in, List<String> head) throws IOException {
        String te = header(head, "transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String l;
                    while ((l = readLine(in)) != null && !l.isEmpty()) {
                        out.write((l + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return out.toByteArray();
                }
                out.write(in.readNBytes(size + 2));
            }
        }
        String cl = header(head, "content-length");
        return cl == null ? new byte[0] : in.readNBytes(Integer.parseInt(cl));
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
