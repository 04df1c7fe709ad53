package io.molesignal.core.internal.vrl;

import java.util.ArrayList;
import java.util.List;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** Splits VRL source into tokens with 1-based line and column (columns count UTF-16 units). */
final class Lexer {
    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private final List<Token> out = new ArrayList<>();

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> lex(String src) {
        Lexer l = new Lexer(src);
        l.run();
        return l.out;
    }

    static MoleSignalException error(String message, int line, int column) {
        return new MoleSignalException(ErrorCode.VRL_COMPILE, message + " at line " + line + ", column " + column,
                line, column, null);
    }

    private int col() {
        return pos - lineStart + 1;
    }

    private void run() {
        boolean space = true;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                add(Token.Kind.NEWLINE, "\n", line, col(), space);
                pos++;
                line++;
                lineStart = pos;
                space = true;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
                space = true;
                continue;
            }
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
                space = true;
                continue;
            }
            int l = line;
            int cl = col();
            if (isIdentStart(c)) {
                int start = pos;
                while (pos < src.length() && isIdentPart(src.charAt(pos))) {
                    pos++;
                }
                String word = src.substring(start, pos);
                if (pos + 1 < src.length() && src.charAt(pos) == '!' && src.charAt(pos + 1) == '(') {
                    pos++;
                    add(Token.Kind.BANG_CALL, word, l, cl, space);
                } else if (pos < src.length() && src.charAt(pos) == '\'' && word.length() == 1
                        && "srt".indexOf(word.charAt(0)) >= 0) {
                    pos++;
                    String body = quoted('\'', false, l, cl);
                    add(switch (word.charAt(0)) {
                        case 's' -> Token.Kind.RAW_STRING;
                        case 'r' -> Token.Kind.REGEX;
                        default -> Token.Kind.TIMESTAMP;
                    }, body, l, cl, space);
                } else {
                    add(Token.Kind.IDENT, word, l, cl, space);
                }
            } else if (c >= '0' && c <= '9') {
                number(l, cl, space);
            } else if (c == '"') {
                pos++;
                add(Token.Kind.STRING, quoted('"', true, l, cl), l, cl, space);
            } else if (c == '.') {
                pos++;
                if (pos < src.length() && isFieldChar(src.charAt(pos))) {
                    int start = pos;
                    while (pos < src.length() && isFieldChar(src.charAt(pos))) {
                        pos++;
                    }
                    add(Token.Kind.FIELD, src.substring(start, pos), l, cl, space);
                } else {
                    add(Token.Kind.DOT, ".", l, cl, space);
                }
            } else {
                int start = pos;
                pos++;
                char n = pos < src.length() ? src.charAt(pos) : '\0';
                Token.Kind k;
                switch (c) {
                    case '(' -> k = Token.Kind.LPAREN;
                    case ')' -> k = Token.Kind.RPAREN;
                    case '[' -> k = Token.Kind.LBRACKET;
                    case ']' -> k = Token.Kind.RBRACKET;
                    case '{' -> k = Token.Kind.LBRACE;
                    case '}' -> k = Token.Kind.RBRACE;
                    case ',' -> k = Token.Kind.COMMA;
                    case ':' -> k = Token.Kind.COLON;
                    case ';' -> k = Token.Kind.SEMI;
                    case '+' -> k = Token.Kind.PLUS;
                    case '-' -> k = Token.Kind.MINUS;
                    case '*' -> k = Token.Kind.STAR;
                    case '/' -> k = Token.Kind.SLASH;
                    case '%' -> k = Token.Kind.PERCENT;
                    case '=' -> k = two(n, '=', Token.Kind.EQ, Token.Kind.ASSIGN);
                    case '!' -> k = two(n, '=', Token.Kind.NE, Token.Kind.BANG);
                    case '<' -> k = two(n, '=', Token.Kind.LE, Token.Kind.LT);
                    case '>' -> k = two(n, '=', Token.Kind.GE, Token.Kind.GT);
                    case '&' -> {
                        if (n != '&') {
                            throw error("unexpected '&' (did you mean '&&'?)", l, cl);
                        }
                        pos++;
                        k = Token.Kind.AND;
                    }
                    case '|' -> k = two(n, '|', Token.Kind.OR, Token.Kind.PIPE);
                    case '?' -> {
                        if (n != '?') {
                            throw error("unexpected '?' (did you mean '??'?)", l, cl);
                        }
                        pos++;
                        k = Token.Kind.COALESCE;
                    }
                    default -> throw error("unexpected character '" + printable(c) + "'", l, cl);
                }
                add(k, src.substring(start, pos), l, cl, space);
            }
            space = false;
        }
        add(Token.Kind.EOF, "", line, col(), true);
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private Token.Kind two(char n, char expect, Token.Kind yes, Token.Kind no) {
        if (n == expect) {
            pos++;
            return yes;
        }
        return no;
    }

    private void add(Token.Kind k, String text, int l, int c, boolean space) {
        out.add(new Token(k, text, l, c, space));
    }

    private void number(int l, int cl, boolean space) {
        int start = pos;
        boolean isFloat = false;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        if (pos < src.length() && isIdentStart(src.charAt(pos))) {
            throw error("invalid number literal", l, cl);
        }
        add(isFloat ? Token.Kind.FLOAT : Token.Kind.INT, src.substring(start, pos).replace("_", ""), l, cl, space);
    }

    private String quoted(char quote, boolean escapes, int l, int cl) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated string literal", l, cl);
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\n') {
                line++;
                lineStart = pos;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) {
                throw error("unterminated string literal", l, cl);
            }
            char e = src.charAt(pos++);
            if (!escapes) {
                // raw strings, regexes and timestamps only escape their quote; everything else stays as written
                if (e != quote) {
                    sb.append('\\');
                }
                sb.append(e);
                continue;
            }
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '0' -> sb.append('\0');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case '\'' -> sb.append('\'');
                case '{' -> sb.append('{');
                case '}' -> sb.append('}');
                case '\n' -> {
                    line++;
                    lineStart = pos;
                    while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
                        pos++;
                    }
                }
                case 'u' -> {
                    int close = src.indexOf('}', pos);
                    if (pos >= src.length() || src.charAt(pos) != '{' || close < 0 || close - pos > 7) {
                        throw error("invalid unicode escape", line, col() - 2);
                    }
                    try {
                        sb.appendCodePoint(Integer.parseInt(src.substring(pos + 1, close), 16));
                    } catch (IllegalArgumentException ex) {
                        throw error("invalid unicode escape", line, col() - 2);
                    }
                    pos = close + 1;
                }
                default -> throw error("invalid escape sequence '\\" + printable(e) + "'", line, col() - 2);
            }
        }
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }

    private static boolean isFieldChar(char c) {
        return isIdentPart(c) || c == '@' || c == '$';
    }
}
