package io.molesignal.core.audit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** Canonical JSON of audit details: keys sorted, no whitespace, integers as JSON numbers. */
final class AuditJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private AuditJson() {
    }

    static String encodeDetails(Map<String, Object> details) {
        try {
            return MAPPER.writeValueAsString(new TreeMap<>(details));
        } catch (JsonProcessingException e) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit details cannot be encoded");
        }
    }

    static Map<String, Object> decodeDetails(String json) {
        try {
            Map<String, Object> raw = MAPPER.readValue(json, new TypeReference<TreeMap<String, Object>>() { });
            TreeMap<String, Object> out = new TreeMap<>();
            raw.forEach((k, v) -> out.put(k, v instanceof Integer i ? Long.valueOf(i) : v instanceof List<?> l
                    ? List.copyOf(l) : v));
            return out;
        } catch (JsonProcessingException e) {
            // Stored details are not valid JSON: an edit outside MoleSignal; verify() reports the entry.
            return Map.of("reason", "unreadable details");
        }
    }
}
