package io.molesignal.examples.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * The Loghub samples in {@code ../shared/data/loghub/} (beside the project root), read in place: each structured CSV
 * (RFC 4180 quoting) becomes one event per line, keyed by the CSV header.
 */
public final class Loghub {
    /** The five systems. */
    public static final List<String> SYSTEMS = List.of("Apache", "HDFS", "Linux", "OpenSSH", "Zookeeper");

    private Loghub() {
    }

    /** The data directory; under CI a missing directory fails, elsewhere the test is skipped. */
    public static Path dir() {
        for (Path p : List.of(Path.of("..", "..", "shared", "data", "loghub"), Path.of("..", "shared", "data", "loghub"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        String reason = "the Loghub samples are not at ../shared/data/loghub";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(reason);
        }
        Assumptions.abort(reason);
        throw new IllegalStateException(reason);
    }

    /** The events of one system's structured CSV. */
    public static List<Map<String, Object>> events(String system) throws IOException {
        List<String> lines = Files.readAllLines(dir().resolve(system + "_2k.log_structured.csv"), StandardCharsets.UTF_8);
        List<String> header = parse(lines.get(0));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            List<String> cells = parse(lines.get(i));
            Map<String, Object> e = new LinkedHashMap<>();
            for (int c = 0; c < header.size() && c < cells.size(); c++) {
                e.put(header.get(c), cells.get(c));
            }
            out.add(e);
        }
        return out;
    }

    static List<String> parse(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        cells.add(cur.toString());
        return cells;
    }
}
