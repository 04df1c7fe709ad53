package io.molesignal.core.internal.vrl;

/**
 * One lexical token. {@code spaceBefore} tells whether whitespace (or a comment) preceded it, which separates a
 * query suffix ({@code x.a}, {@code x[0]}) from a new expression.
 */
record Token(Kind kind, String text, int line, int column, boolean spaceBefore) {
    enum Kind {
        IDENT, FIELD, BANG_CALL, STRING, RAW_STRING, REGEX, TIMESTAMP, INT, FLOAT,
        DOT, LPAREN, RPAREN, LBRACKET, RBRACKET, LBRACE, RBRACE, COMMA, COLON, SEMI, NEWLINE,
        ASSIGN, EQ, NE, LT, LE, GT, GE, PLUS, MINUS, STAR, SLASH, BANG, AND, OR, COALESCE, PIPE, PERCENT, EOF
    }
}
