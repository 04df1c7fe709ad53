package io.molesignal.examples.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Page;
import jakarta.servlet.http.HttpServletResponse;

/**
 * JSON for the example server: duplicate keys are refused, nesting is capped at {@value #MAX_DEPTH} levels and
 * strings at 16 MiB, so hostile bodies fail fast with {@link ErrorCode#INVALID_INPUT}.
 */
public final class Json {
    /** The deepest nesting accepted in a request body. */
    public static final int MAX_DEPTH = 64;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(16 * 1024 * 1024).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses a request body; malformed JSON is {@link ErrorCode#INVALID_INPUT} with no echo of the body. */
    public static JsonNode parse(byte[] body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the request body is empty");
            }
            return n;
        } catch (IOException e) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the request body is not valid JSON");
        }
    }

    /** Parses a request body that must be a JSON object. */
    public static ObjectNode object(byte[] body) {
        JsonNode n = parse(body);
        if (!(n instanceof ObjectNode o)) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the request body must be a JSON object");
        }
        return o;
    }

    /** Reads at most {@code maxBytes} of a stream; more is {@link ErrorCode#BODY_TOO_LARGE}. */
    public static byte[] readLimited(InputStream in, long maxBytes) throws IOException {
        return readLimited(in, -1, maxBytes);
    }

    /**
     * Reads a request body of at most {@code maxBytes}. A declared length ({@code Content-Length}) within the limit
     * is read straight into an array of that size (one copy, no intermediate chunks); an unknown or larger one is
     * read up to the limit (so the client, still sending, gets the 413 rather than a reset connection).
     *
     * @param declaredLength the declared length, or -1 when unknown (chunked)
     * @throws MoleSignalException {@link ErrorCode#BODY_TOO_LARGE} when the body is over the limit
     */
    public static byte[] readLimited(InputStream in, long declaredLength, long maxBytes) throws IOException {
        if (declaredLength >= 0 && declaredLength <= maxBytes) {
            byte[] data = new byte[(int) declaredLength];
            int n = in.readNBytes(data, 0, data.length);
            if (in.read() != -1) {
                throw tooLarge(maxBytes); // more than declared: never trusted, never stored
            }
            return n == data.length ? data : Arrays.copyOf(data, n);
        }
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (data.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return data;
    }

    private static MoleSignalException tooLarge(long maxBytes) {
        return new MoleSignalException(ErrorCode.BODY_TOO_LARGE, "the request body is over " + maxBytes + " bytes");
    }

    /**
     * Writes {@code value} as the whole response body: serialised first, so the response carries a
     * {@code Content-Length} and leaves in one write instead of chunks.
     */
    public static void write(HttpServletResponse response, int status, String contentType, Object value)
            throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** A new empty object node. */
    public static ObjectNode obj() {
        return MAPPER.createObjectNode();
    }

    /**
     * API.md's list shape: {@code {"<name>": [item…], "next_cursor": cursor-or-null}}.
     *
     * @param name the array's member name ({@code users}, {@code keys}, …)
     * @param page the page of items and its next cursor
     * @param item the JSON of one item
     */
    public static <T> ObjectNode page(String name, Page<T> page, Function<? super T, ? extends JsonNode> item) {
        ObjectNode body = obj();
        ArrayNode arr = body.putArray(name);
        page.items().forEach(t -> arr.add(item.apply(t)));
        body.put("next_cursor", page.nextCursor());
        return body;
    }
}
