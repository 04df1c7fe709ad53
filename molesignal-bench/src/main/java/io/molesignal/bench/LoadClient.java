package io.molesignal.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The benchmark's measured HTTP/1.1 client, in the spirit of {@code wrk}: one persistent connection with
 * {@code TCP_NODELAY}, each request (headers and body) leaves in a single write, and the response is read on the
 * calling thread. A general client adds its own costs to every figure: {@code java.net.http.HttpClient} hands each
 * response from its selector thread to an executor and then to the caller, and {@code HttpURLConnection} writes
 * headers and body as two segments without {@code TCP_NODELAY}, which Nagle's algorithm can hold back until the
 * server's delayed ACK.
 *
 * <p>Only what the benchmark needs: responses must carry {@code Content-Length} (the example server always sends
 * it); a closed connection is reopened once. Not thread-safe: one instance per benchmark thread.
 */
final class LoadClient implements AutoCloseable {
    private final InetSocketAddress address;
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    LoadClient(URI base) {
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        this.host = base.getHost() + ":" + base.getPort();
    }

    /** A complete request as bytes, to be sent as often as needed. */
    byte[] request(String method, String path, String bearer, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + bearer
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends a prepared request and reads the whole response.
     *
     * @return the status code; the body is read and dropped, its length is added to the status' upper bits
     *         ({@code status + 1000 * length}) so the caller can feed it to a blackhole
     */
    long exchange(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) { // the server closed an idle connection: one fresh attempt
            close();
            connect();
            out.write(request);
            out.flush();
            return readResponse();
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private long readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                close = true;
            } else if (name.equals("transfer-encoding")) {
                throw new IOException("chunked responses are not supported by the load client");
            }
        }
        if (length < 0) {
            throw new IOException("response without Content-Length");
        }
        long left = length;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed inside a response body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        if (close) {
            close();
        }
        return code + 1000 * length;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            Socket s = socket;
            socket = null;
            s.close();
        }
    }
}
