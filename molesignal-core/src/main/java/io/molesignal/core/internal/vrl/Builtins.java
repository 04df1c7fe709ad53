package io.molesignal.core.internal.vrl;

import static io.molesignal.core.internal.vrl.Builtin.Param.opt;
import static io.molesignal.core.internal.vrl.Builtin.Param.req;
import static io.molesignal.core.internal.vrl.Values.ANY;
import static io.molesignal.core.internal.vrl.Values.ARRAY;
import static io.molesignal.core.internal.vrl.Values.BOOL;
import static io.molesignal.core.internal.vrl.Values.FLOAT;
import static io.molesignal.core.internal.vrl.Values.INT;
import static io.molesignal.core.internal.vrl.Values.NULL;
import static io.molesignal.core.internal.vrl.Values.OBJECT;
import static io.molesignal.core.internal.vrl.Values.REGEX;
import static io.molesignal.core.internal.vrl.Values.STRING;
import static io.molesignal.core.internal.vrl.Values.TIMESTAMP;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/** The builtin functions (VRL's documented behaviour; MoleSignal's managed-key encrypt/decrypt). */
final class Builtins {
    private Builtins() {
    }

    /** Functions refused at compile time, with the reason. */
    static final Map<String, String> REFUSED = Map.of(
            "get_env_var", "get_env_var is not available: the process environment holds MoleSignal's root key",
            "http_request", "http_request is not available: programs may not make network calls",
            "dns_lookup", "dns_lookup is not available: programs may not make network calls",
            "log", "log is not available: it could write event values (plaintext) to the host's logs",
            "get_secret", "get_secret is not available",
            "random_bytes", "random_bytes is not available");

    static final String RAW_KEY_REFUSAL = "the raw-key form encrypt/decrypt(value, algorithm, key, iv) is not "
            + "supported; use the managed-key form encrypt(value, \"key_name\") or decrypt(value, \"key_name\") "
            + "with an optional field: argument";

    private static final Pattern UPSTREAM_ALGORITHM =
            Pattern.compile("(?i)(AES-(128|192|256)-.*|(X)?CHACHA20-POLY1305|XSALSA20-POLY1305)");

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> SHA2 =
            Set.of("SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/224", "SHA-512/256");
    private static final Set<String> SHA3 = Set.of("SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512");
    private static final Pattern US_SSN =
            Pattern.compile("(?<![0-9])(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9])");
    private static final Pattern FLOAT_TEXT =
            Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final String REDACTED = "[REDACTED]";

    static final Map<String, Builtin> ALL = registry();

    /** A frame for evaluating literals at compile time. */
    static Frame constantFrame() {
        return new Frame(null, 0, 100_000, 1 << 20, 10_000, OrgId.of("compile-time"), null,
                Clock.systemUTC());
    }

    private static Map<String, Builtin> registry() {
        Map<String, Builtin> m = new TreeMap<>();
        add(m, "encrypt", List.of(req("value", STRING | NULL), req("key_name", STRING), opt("field", STRING, null)),
                STRING | NULL, true, (f, a, site) -> cipher(f, a, site, true), Builtins::prepareCipher);
        add(m, "decrypt", List.of(req("value", STRING | NULL), req("key_name", STRING), opt("field", STRING, null)),
                STRING | NULL, true, (f, a, site) -> cipher(f, a, site, false), Builtins::prepareCipher);
        add(m, "is_string", List.of(req("value", ANY)), BOOL, false, (f, a, s) -> a[0] instanceof String, null);
        add(m, "is_null", List.of(req("value", ANY)), BOOL, false, (f, a, s) -> a[0] == null, null);
        add(m, "is_nullish", List.of(req("value", ANY)), BOOL, false, (f, a, s) -> a[0] == null
                || (a[0] instanceof String str && (str.equals("-") || str.isBlank())), null);
        add(m, "string", List.of(req("value", STRING)), STRING, false, (f, a, s) -> str(a[0]), null);
        add(m, "to_string", List.of(req("value", NULL | BOOL | INT | FLOAT | STRING | TIMESTAMP)), STRING, false,
                (f, a, s) -> toStringValue(a[0]), null);
        add(m, "to_int", List.of(req("value", NULL | BOOL | INT | FLOAT | TIMESTAMP)), INT, false,
                (f, a, s) -> toInt(a[0]), null);
        add(m, "to_float", List.of(req("value", NULL | BOOL | INT | FLOAT | TIMESTAMP)), FLOAT, false,
                (f, a, s) -> toFloat(a[0]), null);
        add(m, "to_bool", List.of(req("value", NULL | BOOL | INT | FLOAT)), BOOL, false,
                (f, a, s) -> toBool(a[0]), null);
        add(m, "encode_base64", List.of(req("value", STRING), opt("padding", BOOL, true),
                opt("charset", STRING, "standard")), STRING, false, Builtins::encodeBase64,
                site -> checkEnum(site, 2, Set.of("standard", "url_safe")));
        add(m, "decode_base64", List.of(req("value", STRING), opt("charset", STRING, "standard")), STRING, true,
                Builtins::decodeBase64, site -> checkEnum(site, 1, Set.of("standard", "url_safe")));
        add(m, "parse_json", List.of(req("value", STRING), opt("max_depth", INT, null), opt("lossy", BOOL, true)),
                ANY, true, Builtins::parseJson, null);
        add(m, "encode_json", List.of(req("value", ANY), opt("pretty", BOOL, false)), STRING, false,
                Builtins::encodeJson, null);
        add(m, "sha2", List.of(req("value", STRING), opt("variant", STRING, "SHA-512/256")), STRING, false,
                (f, a, s) -> hex(digest(str(a[1]), str(a[0]))), site -> checkEnum(site, 1, SHA2));
        add(m, "redact", List.of(req("value", STRING | OBJECT | ARRAY), req("filters", ARRAY),
                opt("redactor", STRING | OBJECT, "full")), STRING | OBJECT | ARRAY, false, Builtins::redact,
                Builtins::prepareRedact);
        add(m, "replace", List.of(req("value", STRING), req("pattern", STRING | REGEX), req("with", STRING),
                opt("count", INT, -1L)), STRING, false, Builtins::replace, null);
        add(m, "contains", List.of(req("value", STRING), req("substring", STRING), opt("case_sensitive", BOOL, true)),
                BOOL, false, (f, a, s) -> fold(a, 2, a[0]).contains(fold(a, 2, a[1])), null);
        add(m, "starts_with", List.of(req("value", STRING), req("substring", STRING),
                opt("case_sensitive", BOOL, true)), BOOL, false,
                (f, a, s) -> fold(a, 2, a[0]).startsWith(fold(a, 2, a[1])), null);
        add(m, "strlen", List.of(req("value", STRING)), INT, false,
                (f, a, s) -> (long) str(a[0]).codePointCount(0, str(a[0]).length()), null);
        add(m, "upcase", List.of(req("value", STRING)), STRING, false,
                (f, a, s) -> str(a[0]).toUpperCase(Locale.ROOT), null);
        add(m, "downcase", List.of(req("value", STRING)), STRING, false,
                (f, a, s) -> str(a[0]).toLowerCase(Locale.ROOT), null);
        add(m, "now", List.of(), TIMESTAMP, false, (f, a, s) -> f.clock.instant(), null);
        add(m, "parse_timestamp", List.of(req("value", STRING | TIMESTAMP), req("format", STRING),
                opt("timezone", STRING, null)), TIMESTAMP, true, Builtins::parseTimestamp,
                site -> prepareFormat(site, true));
        add(m, "format_timestamp", List.of(req("value", TIMESTAMP), req("format", STRING),
                opt("timezone", STRING, null)), STRING, true, Builtins::formatTimestamp,
                site -> prepareFormat(site, false));
        add(m, "split", List.of(req("value", STRING), req("pattern", STRING | REGEX), opt("limit", INT, null)),
                ARRAY, false, Builtins::split, null);
        add(m, "join", List.of(req("value", ARRAY), opt("separator", STRING, "")), STRING, false, Builtins::join,
                Builtins::prepareJoin);
        add(m, "merge", List.of(req("to", OBJECT), req("from", OBJECT), opt("deep", BOOL, false)), OBJECT, false,
                Builtins::merge, null);
        add(m, "compact", List.of(req("value", OBJECT | ARRAY), opt("recursive", BOOL, true),
                opt("null", BOOL, true), opt("string", BOOL, true), opt("object", BOOL, true),
                opt("array", BOOL, true), opt("nullish", BOOL, false)), OBJECT | ARRAY, false,
                Builtins::compact, site -> site.type = site.args[0] == null ? OBJECT | ARRAY
                        : site.args[0].type & (OBJECT | ARRAY) | (site.args[0].type == ANY ? OBJECT | ARRAY : 0));
        return Map.copyOf(m);
    }

    private static void add(Map<String, Builtin> m, String name, List<Builtin.Param> params, int returnType,
                            boolean fallible, Builtin.Impl impl, Builtin.@Nullable Prepare prepare) {
        m.put(name, new Builtin(name, params, returnType, fallible, impl, prepare));
    }

    // ----------------------------------------------------------------------------------------------- arguments

    static String str(@Nullable Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw Values.typeError(STRING, v);
    }

    static boolean bool(@Nullable Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw Values.typeError(BOOL, v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(@Nullable Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw Values.typeError(OBJECT, v);
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(@Nullable Object v) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw Values.typeError(ARRAY, v);
    }

    private static String fold(@Nullable Object[] a, int caseArg, @Nullable Object v) {
        String s = str(v);
        return bool(a[caseArg]) ? s : s.toLowerCase(Locale.ROOT);
    }

    private static void checkEnum(Builtin.Call site, int arg, Set<String> allowed) {
        Node a = site.args[arg];
        if (a != null && a.constant()) {
            Object v = a.eval(constantFrame());
            if (!(v instanceof String s) || !allowed.contains(s)) {
                throw Checker.error(a, "argument '" + site.fn.params.get(arg).name() + "' of " + site.fn.name
                        + " must be one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- cipher

    private static void prepareCipher(Builtin.Call site) {
        Node key = site.args[1];
        if (key != null && key.constant() && key.eval(constantFrame()) instanceof String k
                && UPSTREAM_ALGORITHM.matcher(k).matches()) {
            throw Checker.error(key, RAW_KEY_REFUSAL);
        }
        Node field = site.args[2];
        if (field == null) {
            if (site.args[0] instanceof Node.EventPath p && p.segs.length > 0) {
                site.prepared = Paths.fieldName(p.segs);
            } else {
                throw Checker.error(site, site.fn.name + "() needs a field: argument when the value is not an "
                        + "event path (the field is bound into the ciphertext)");
            }
        } else if (field.constant() && !(field.eval(constantFrame()) instanceof String s && !s.isEmpty())) {
            throw Checker.error(field, "argument 'field' of " + site.fn.name + " must be a non-empty string");
        }
    }

    private static @Nullable Object cipher(Frame f, @Nullable Object[] a, Builtin.Call site, boolean encrypt) {
        Object v = a[0];
        if (v != null && !(v instanceof String)) {
            throw Values.typeError(STRING | NULL, v);
        }
        String key = str(a[1]);
        String field = a[2] != null ? str(a[2]) : (String) site.prepared;
        if (field == null || field.isEmpty()) {
            throw VrlFailure.error("the field must be a non-empty string");
        }
        CipherFunctions c = f.cipher;
        if (c == null) {
            throw VrlFailure.error(ErrorCode.CIPHER_DISABLED.name() + ": field encryption is not configured");
        }
        try {
            return encrypt ? c.encrypt(f.org, key, field, (String) v) : c.decrypt(f.org, key, field, (String) v);
        } catch (MoleSignalException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) {
                throw e;
            }
            // cipher messages are safe by the SPI's contract (never key material or plaintext)
            throw VrlFailure.error(e.code().name() + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ coercion

    private static String toStringValue(@Nullable Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return Values.formatFloat(d);
        }
        if (v instanceof Instant t) {
            return Values.formatTimestamp(t);
        }
        throw VrlFailure.error("unable to coerce " + Values.kindName(Values.kindOf(v)) + " into string");
    }

    private static long toInt(@Nullable Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return (long) d.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Instant t) {
            return t.getEpochSecond();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw VrlFailure.error("invalid integer text");
            }
        }
        throw VrlFailure.error("unable to coerce " + Values.kindName(Values.kindOf(v)) + " into integer");
    }

    private static double toFloat(@Nullable Object v) {
        if (v == null) {
            return 0.0;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof Instant t) {
            return t.getEpochSecond() + t.getNano() / 1e9;
        }
        if (v instanceof String s) {
            String t = s.trim();
            if (!FLOAT_TEXT.matcher(t).matches()) {
                throw VrlFailure.error("invalid floating point number text");
            }
            return Double.parseDouble(t);
        }
        throw VrlFailure.error("unable to coerce " + Values.kindName(Values.kindOf(v)) + " into float");
    }

    private static boolean toBool(@Nullable Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0.0;
        }
        if (v instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y" -> {
                    return true;
                }
                case "false", "f", "no", "n", "0" -> {
                    return false;
                }
                default -> {
                    String t = s.trim();
                    if (FLOAT_TEXT.matcher(t).matches()) {
                        return Double.parseDouble(t) != 0.0;
                    }
                    throw VrlFailure.error("invalid boolean text");
                }
            }
        }
        throw VrlFailure.error("unable to coerce " + Values.kindName(Values.kindOf(v)) + " into boolean");
    }

    // --------------------------------------------------------------------------------------------------- codecs

    private static Object encodeBase64(Frame f, @Nullable Object[] a, Builtin.Call site) {
        byte[] bytes = str(a[0]).getBytes(StandardCharsets.UTF_8);
        Base64.Encoder e = "url_safe".equals(a[2]) ? Base64.getUrlEncoder() : Base64.getEncoder();
        if (!bool(a[1])) {
            e = e.withoutPadding();
        }
        return f.checkString(e.encodeToString(bytes));
    }

    private static Object decodeBase64(Frame f, @Nullable Object[] a, Builtin.Call site) {
        String charset = str(a[1]);
        Base64.Decoder d = switch (charset) {
            case "standard" -> Base64.getDecoder();
            case "url_safe" -> Base64.getUrlDecoder();
            default -> throw VrlFailure.error("unknown charset");
        };
        try {
            return f.checkString(new String(d.decode(str(a[0])), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw VrlFailure.error("unable to decode value as base64");
        }
    }

    private static @Nullable Object parseJson(Frame f, @Nullable Object[] a, Builtin.Call site) {
        String text = str(a[0]);
        int maxDepth = 128;
        if (a[1] != null) {
            long d = (Long) a[1];
            if (d < 1 || d > 128) {
                throw VrlFailure.error("max_depth must be between 1 and 128");
            }
            maxDepth = (int) d;
        }
        f.cost(text.length());
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            // never the parser's message: it quotes the input
            throw VrlFailure.error("unable to parse json");
        }
        if (node == null || node.isMissingNode()) {
            throw VrlFailure.error("unable to parse json");
        }
        return fromJson(f, node, 1, maxDepth);
    }

    private static @Nullable Object fromJson(Frame f, JsonNode n, int depth, int maxDepth) {
        if (n.isObject()) {
            if (depth > maxDepth) {
                return n.toString();
            }
            f.checkLength(n.size());
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), fromJson(f, e.getValue(), depth + 1, maxDepth));
            }
            return m;
        }
        if (n.isArray()) {
            if (depth > maxDepth) {
                return n.toString();
            }
            f.checkLength(n.size());
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode c : n) {
                l.add(fromJson(f, c, depth + 1, maxDepth));
            }
            return l;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return null;
    }

    private static Object encodeJson(Frame f, @Nullable Object[] a, Builtin.Call site) {
        StringBuilder sb = new StringBuilder();
        int[] budget = {f.maxCollectionLength * 4, (int) Math.min(Integer.MAX_VALUE, f.maxValueBytes)};
        if (bool(a[1])) {
            pretty(sb, a[0], 0, budget);
        } else {
            Values.appendJson(sb, a[0], budget, true);
        }
        return f.checkString(sb.toString());
    }

    private static void pretty(StringBuilder sb, @Nullable Object v, int indent, int[] budget) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("{\n");
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(",\n");
                }
                first = false;
                sb.append("  ".repeat(indent + 1));
                Values.appendJsonString(sb, (String) e.getKey());
                sb.append(": ");
                pretty(sb, e.getValue(), indent + 1, budget);
            }
            sb.append('\n').append("  ".repeat(indent)).append('}');
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(",\n");
                }
                sb.append("  ".repeat(indent + 1));
                pretty(sb, l.get(i), indent + 1, budget);
            }
            sb.append('\n').append("  ".repeat(indent)).append(']');
        } else {
            Values.appendJson(sb, v, budget, true);
        }
        if (sb.length() > budget[1]) {
            throw VrlFailure.fatal("encoded value over the size limit");
        }
    }

    // ---------------------------------------------------------------------------------------------- hashing

    static byte[] digest(String algorithm, String value) {
        try {
            return MessageDigest.getInstance(algorithm).digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw VrlFailure.fatal("unsupported hash variant");
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    // ---------------------------------------------------------------------------------------------- redact

    /** Compiled filters and redactor of one redact() call site. */
    private record Redaction(List<Pattern> patterns, String kind, String text, String algorithm, boolean base16) {
        String replacement(String matched) {
            return switch (kind) {
                case "full" -> REDACTED;
                case "text" -> text;
                default -> {
                    byte[] d = digest(algorithm, matched);
                    yield base16 ? hex(d) : Base64.getEncoder().encodeToString(d);
                }
            };
        }
    }

    private static void prepareRedact(Builtin.Call site) {
        Object filters = site.constantArg(1, null);
        List<Pattern> patterns = new ArrayList<>();
        for (Object filter : array(filters)) {
            if (filter instanceof Pattern p) {
                patterns.add(p);
            } else if ("us_social_security_number".equals(filter)) {
                patterns.add(US_SSN);
            } else if (filter instanceof Map<?, ?> m && "us_social_security_number".equals(m.get("type"))) {
                patterns.add(US_SSN);
            } else if (filter instanceof Map<?, ?> m && "pattern".equals(m.get("type"))
                    && m.get("patterns") instanceof List<?> ps) {
                for (Object p : ps) {
                    if (p instanceof Pattern rp) {
                        patterns.add(rp);
                    } else if (p instanceof String s) {
                        patterns.add(Pattern.compile(Pattern.quote(s)));
                    } else {
                        throw Checker.error(site.args[1], "redact: patterns must be regexes or strings");
                    }
                }
            } else {
                throw Checker.error(site.args[1], "redact: unknown filter; use a regex, \"us_social_security_number\""
                        + " or {\"type\": \"pattern\", \"patterns\": [...]}");
            }
        }
        Object redactor = site.constantArg(2, "full");
        Map<?, ?> spec = redactor instanceof String s ? Map.of("type", s) : (Map<?, ?>) redactor;
        String kind = String.valueOf(spec.get("type"));
        Node at = site.args[2] != null ? site.args[2] : site;
        String text = "";
        String algorithm = "";
        boolean base16 = false;
        switch (kind) {
            case "full" -> {
            }
            case "text" -> {
                if (!(spec.get("replacement") instanceof String r)) {
                    throw Checker.error(at, "redact: the text redactor needs a string replacement");
                }
                text = r;
            }
            case "sha2", "sha3" -> {
                Object variant = spec.get("variant");
                algorithm = variant == null ? (kind.equals("sha2") ? "SHA-512/256" : "SHA3-512") : variant.toString();
                if (!(kind.equals("sha2") ? SHA2 : SHA3).contains(algorithm)) {
                    throw Checker.error(at, "redact: unknown " + kind + " variant");
                }
                Object encoding = spec.get("encoding");
                if (encoding != null && !encoding.equals("base64") && !encoding.equals("base16")) {
                    throw Checker.error(at, "redact: encoding must be base16 or base64");
                }
                base16 = "base16".equals(encoding);
            }
            default -> throw Checker.error(at, "redact: unknown redactor; use full, text, sha2 or sha3");
        }
        site.prepared = new Redaction(List.copyOf(patterns), kind, text, algorithm, base16);
    }

    private static @Nullable Object redact(Frame f, @Nullable Object[] a, Builtin.Call site) {
        return redactValue(f, a[0], (Redaction) site.prepared);
    }

    private static @Nullable Object redactValue(Frame f, @Nullable Object v, Redaction r) {
        if (v instanceof String s) {
            f.cost(s.length() * (long) r.patterns().size());
            String out = s;
            for (Pattern p : r.patterns()) {
                Matcher m = p.matcher(new BudgetedChars(out, f));
                StringBuilder sb = new StringBuilder();
                int last = 0;
                while (m.find()) {
                    sb.append(out, last, m.start()).append(r.replacement(m.group()));
                    last = m.end();
                }
                sb.append(out, last, out.length());
                out = sb.toString();
            }
            return f.checkString(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put((String) e.getKey(), redactValue(f, Values.norm(e.getValue()), r));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(redactValue(f, Values.norm(o), r));
            }
            return out;
        }
        return Values.copy(v);
    }

    // --------------------------------------------------------------------------------------------------- strings

    private static Object replace(Frame f, @Nullable Object[] a, Builtin.Call site) {
        String value = str(a[0]);
        String with = str(a[2]);
        long count = (Long) a[3];
        f.cost(value.length());
        StringBuilder sb = new StringBuilder();
        int last = 0;
        long done = 0;
        if (a[1] instanceof String needle) {
            if (needle.isEmpty()) {
                throw VrlFailure.error("the pattern must not be empty");
            }
            int i;
            while ((count < 0 || done < count) && (i = value.indexOf(needle, last)) >= 0) {
                sb.append(value, last, i).append(with);
                last = i + needle.length();
                done++;
                checkBuilder(f, sb);
            }
        } else if (a[1] instanceof Pattern p) {
            Matcher m = p.matcher(new BudgetedChars(value, f));
            while ((count < 0 || done < count) && m.find()) {
                sb.append(value, last, m.start());
                expand(sb, with, m);
                last = m.end();
                done++;
                checkBuilder(f, sb);
            }
        } else {
            throw Values.typeError(STRING | REGEX, a[1]);
        }
        sb.append(value, last, value.length());
        return f.checkString(sb.toString());
    }

    private static void checkBuilder(Frame f, StringBuilder sb) {
        if (sb.length() > f.maxValueBytes) {
            throw VrlFailure.fatal("a string value exceeded the limit of " + f.maxValueBytes + " bytes");
        }
    }

    /** Expands a replacement as the Rust regex crate does: $1, $name, ${name}, $$; unknown groups are empty. */
    private static void expand(StringBuilder sb, String with, Matcher m) {
        for (int i = 0; i < with.length(); i++) {
            char c = with.charAt(i);
            if (c != '$' || i + 1 >= with.length()) {
                sb.append(c);
                continue;
            }
            char n = with.charAt(i + 1);
            if (n == '$') {
                sb.append('$');
                i++;
                continue;
            }
            String name;
            if (n == '{') {
                int close = with.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    continue;
                }
                name = with.substring(i + 2, close);
                i = close;
            } else {
                int j = i + 1;
                while (j < with.length() && (Character.isLetterOrDigit(with.charAt(j)) || with.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(c);
                    continue;
                }
                name = with.substring(i + 1, j);
                i = j - 1;
            }
            String g = null;
            try {
                g = name.chars().allMatch(Character::isDigit) ? m.group(Integer.parseInt(name)) : m.group(name);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                g = null;
            }
            if (g != null) {
                sb.append(g);
            }
        }
    }

    private static Object split(Frame f, @Nullable Object[] a, Builtin.Call site) {
        String value = str(a[0]);
        long limit = a[2] == null ? Long.MAX_VALUE : (Long) a[2];
        if (limit < 0) {
            throw VrlFailure.error("limit must not be negative");
        }
        f.cost(value.length());
        List<Object> out = new ArrayList<>();
        if (limit == 0) {
            return out;
        }
        int last = 0;
        if (a[1] instanceof String sep) {
            if (sep.isEmpty()) {
                // like Rust's str::split(""): every char, with empty ends
                out.add("");
                value.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
                out.add("");
                f.checkLength(out.size());
                return out;
            }
            int i;
            while (out.size() + 1 < limit && (i = value.indexOf(sep, last)) >= 0) {
                out.add(value.substring(last, i));
                last = i + sep.length();
                f.checkLength(out.size());
            }
        } else if (a[1] instanceof Pattern p) {
            Matcher m = p.matcher(new BudgetedChars(value, f));
            while (out.size() + 1 < limit && m.find()) {
                if (m.end() == 0 && m.start() == 0) {
                    continue;
                }
                out.add(value.substring(last, m.start()));
                last = m.end();
                f.checkLength(out.size());
            }
        } else {
            throw Values.typeError(STRING | REGEX, a[1]);
        }
        out.add(value.substring(last));
        return out;
    }

    private static void prepareJoin(Builtin.Call site) {
        Node v = site.args[0];
        Node sep = site.args[1];
        boolean allStrings = v instanceof Node.ArrayLit lit && lit.items.stream().allMatch(n -> n.type == STRING);
        site.fallible(!(allStrings && (sep == null || sep.type == STRING)));
    }

    private static Object join(Frame f, @Nullable Object[] a, Builtin.Call site) {
        List<Object> items = array(a[0]);
        String sep = str(a[1]);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(sep);
            }
            Object item = Values.norm(items.get(i));
            if (!(item instanceof String s)) {
                throw VrlFailure.error("join: every element must be a string, got "
                        + Values.kindName(Values.kindOf(item)));
            }
            sb.append(s);
            checkBuilder(f, sb);
        }
        return f.checkString(sb.toString());
    }

    // ---------------------------------------------------------------------------------------------- timestamps

    private static void prepareFormat(Builtin.Call site, boolean parsing) {
        Node fmt = site.args[1];
        if (fmt != null && fmt.constant()) {
            try {
                site.prepared = Strftime.compile(str(fmt.eval(constantFrame())), parsing);
            } catch (IllegalArgumentException | VrlFailure e) {
                throw Checker.error(fmt, "invalid timestamp format: " + e.getMessage());
            }
        }
        Node tz = site.args[2];
        if (tz != null && tz.constant()) {
            try {
                ZoneId.of(str(tz.eval(constantFrame())));
            } catch (DateTimeException | VrlFailure e) {
                throw Checker.error(tz, "unknown time zone");
            }
        }
    }

    private static DateTimeFormatter formatter(@Nullable Object[] a, Builtin.Call site, boolean parsing) {
        if (site.prepared instanceof DateTimeFormatter fmt) {
            return fmt;
        }
        try {
            return Strftime.compile(str(a[1]), parsing);
        } catch (IllegalArgumentException e) {
            throw VrlFailure.error("invalid timestamp format: " + e.getMessage());
        }
    }

    private static ZoneId zone(@Nullable Object tz) {
        if (tz == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(str(tz));
        } catch (DateTimeException e) {
            throw VrlFailure.error("unknown time zone");
        }
    }

    private static Object parseTimestamp(Frame f, @Nullable Object[] a, Builtin.Call site) {
        if (a[0] instanceof Instant t) {
            return t;
        }
        String text = str(a[0]);
        DateTimeFormatter fmt = formatter(a, site, true);
        ZoneId zone = zone(a[2]);
        try {
            TemporalAccessor t = fmt.parse(text);
            if (t.isSupported(ChronoField.INSTANT_SECONDS) && t.query(TemporalQueries.localDate()) == null) {
                return Instant.ofEpochSecond(t.getLong(ChronoField.INSTANT_SECONDS));
            }
            LocalDate date = t.query(TemporalQueries.localDate());
            if (date == null) {
                throw VrlFailure.error("the text has no date");
            }
            LocalTime time = t.query(TemporalQueries.localTime());
            if (time == null) {
                time = LocalTime.MIDNIGHT;
            }
            ZoneOffset offset = t.query(TemporalQueries.offset());
            return offset != null ? OffsetDateTime.of(date, time, offset).toInstant()
                    : ZonedDateTime.of(date, time, zone).toInstant();
        } catch (DateTimeException e) {
            // the exception message quotes the input: never pass it on
            throw VrlFailure.error("unable to parse the timestamp with the given format");
        }
    }

    private static Object formatTimestamp(Frame f, @Nullable Object[] a, Builtin.Call site) {
        if (!(a[0] instanceof Instant t)) {
            throw Values.typeError(TIMESTAMP, a[0]);
        }
        try {
            return f.checkString(formatter(a, site, false).format(ZonedDateTime.ofInstant(t, zone(a[2]))));
        } catch (DateTimeException e) {
            throw VrlFailure.error("unable to format the timestamp");
        }
    }

    // ------------------------------------------------------------------------------------------------ containers

    private static Object merge(Frame f, @Nullable Object[] a, Builtin.Call site) {
        @SuppressWarnings("unchecked")
        Map<String, Object> to = (Map<String, Object>) Values.copy(object(a[0]));
        mergeInto(f, to, object(a[1]), bool(a[2]));
        return to;
    }

    @SuppressWarnings("unchecked")
    private static void mergeInto(Frame f, Map<String, Object> to, Map<String, Object> from, boolean deep) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            Object existing = to.get(e.getKey());
            if (deep && existing instanceof Map<?, ?> em && e.getValue() instanceof Map<?, ?> fm) {
                mergeInto(f, (Map<String, Object>) em, (Map<String, Object>) fm, true);
            } else {
                to.put(e.getKey(), Values.copy(e.getValue()));
            }
        }
        f.checkLength(to.size());
    }

    private static Object compact(Frame f, @Nullable Object[] a, Builtin.Call site) {
        boolean[] o = {bool(a[1]), bool(a[2]), bool(a[3]), bool(a[4]), bool(a[5]), bool(a[6])};
        Object v = Values.norm(a[0]);
        if (!(v instanceof Map) && !(v instanceof List)) {
            throw Values.typeError(OBJECT | ARRAY, v);
        }
        return compactValue(f, v, o);
    }

    private static @Nullable Object compactValue(Frame f, @Nullable Object v, boolean[] o) {
        f.tick();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object c = o[0] ? compactValue(f, Values.norm(e.getValue()), o) : Values.copy(e.getValue());
                if (!isEmpty(c, o)) {
                    out.put((String) e.getKey(), c);
                }
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object item : l) {
                Object c = o[0] ? compactValue(f, Values.norm(item), o) : Values.copy(item);
                if (!isEmpty(c, o)) {
                    out.add(c);
                }
            }
            return out;
        }
        return v;
    }

    private static boolean isEmpty(@Nullable Object v, boolean[] o) {
        if (v == null) {
            return o[1] || o[5];
        }
        if (v instanceof String s) {
            return (o[2] && s.isEmpty()) || (o[5] && (s.equals("-") || s.isBlank()));
        }
        if (v instanceof Map<?, ?> m) {
            return o[3] && m.isEmpty();
        }
        if (v instanceof List<?> l) {
            return o[4] && l.isEmpty();
        }
        return false;
    }
}
