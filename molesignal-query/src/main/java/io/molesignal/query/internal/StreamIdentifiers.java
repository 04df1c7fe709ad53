package io.molesignal.query.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.calcite.sql.parser.impl.SimpleCharStream;
import org.apache.calcite.sql.parser.impl.SqlParserImplConstants;
import org.apache.calcite.sql.parser.impl.SqlParserImplTokenManager;
import org.apache.calcite.sql.parser.impl.Token;
import org.apache.calcite.sql.parser.impl.TokenMgrError;

/**
 * Lets tenants write the column {@code stream} (API.md's tables have one) without quotes, although Calcite's parser
 * reserves {@code STREAM} for streaming queries ({@code SELECT STREAM …}).
 *
 * <p>The statement is split into tokens by Calcite's own lexer (the one its parser uses, in the double-quoted
 * identifier state), so strings, comments and quoted identifiers are never touched. Each {@code STREAM} token is an
 * identifier — rewritten to the quoted identifier {@code "stream"}, which is what the unquoted name folds to —
 * unless it directly follows {@code SELECT} and the next token starts a select item (an identifier, a literal,
 * {@code *}, {@code (}, a sign …): that is the streaming keyword, left alone for the gate to refuse. So
 * {@code SELECT stream FROM logs}, {@code SELECT stream, level …}, {@code SELECT stream AS s …} and
 * {@code … WHERE stream = 'x'} read the column; {@code SELECT STREAM * FROM logs} and {@code SELECT STREAM level
 * FROM logs} stay streaming queries. To alias the column without {@code AS} right after {@code SELECT}, write
 * {@code AS}.
 *
 * <p>Each rewrite lengthens its line by two characters; {@link Result#column(int, int)} maps a position in the
 * rewritten text back to the tenant's text, so error positions stay exact.
 */
public final class StreamIdentifiers {
    /** Tokens after which a {@code STREAM} that follows {@code SELECT} is the column, not the keyword. */
    private static final Set<Integer> COLUMN_FOLLOWERS = Set.of(SqlParserImplConstants.EOF,
            SqlParserImplConstants.COMMA, SqlParserImplConstants.FROM, SqlParserImplConstants.AS,
            SqlParserImplConstants.DOT, SqlParserImplConstants.RPAREN, SqlParserImplConstants.SEMICOLON,
            SqlParserImplConstants.EQ, SqlParserImplConstants.GT, SqlParserImplConstants.LT,
            SqlParserImplConstants.LE, SqlParserImplConstants.GE, SqlParserImplConstants.NE,
            SqlParserImplConstants.NE2, SqlParserImplConstants.CONCAT, SqlParserImplConstants.SLASH,
            SqlParserImplConstants.PERCENT_REMAINDER, SqlParserImplConstants.IS, SqlParserImplConstants.NOT,
            SqlParserImplConstants.LIKE, SqlParserImplConstants.ILIKE, SqlParserImplConstants.RLIKE,
            SqlParserImplConstants.SIMILAR, SqlParserImplConstants.IN, SqlParserImplConstants.BETWEEN,
            SqlParserImplConstants.AND, SqlParserImplConstants.OR, SqlParserImplConstants.COLLATE,
            SqlParserImplConstants.UNION, SqlParserImplConstants.EXCEPT, SqlParserImplConstants.INTERSECT,
            SqlParserImplConstants.ORDER, SqlParserImplConstants.GROUP, SqlParserImplConstants.WHERE,
            SqlParserImplConstants.HAVING, SqlParserImplConstants.LIMIT, SqlParserImplConstants.OFFSET,
            SqlParserImplConstants.FETCH, SqlParserImplConstants.WINDOW);

    private StreamIdentifiers() {
    }

    /**
     * The rewritten text and where it grew.
     *
     * @param sql the text to parse
     * @param rewrites the 1-based (line, column) of each rewritten token in the tenant's text
     */
    public record Result(String sql, List<int[]> rewrites) {
        /** The tenant's column for a 1-based position (line, column) in {@link #sql()}. */
        public int column(int line, int column) {
            int shift = 0;
            for (int[] r : rewrites) {
                // a token at tenant column c sits at c + shift in the rewritten text and is 8 characters long
                if (r[0] == line && column > r[1] + shift) {
                    shift += 2;
                }
            }
            return Math.max(1, column - shift);
        }
    }

    /** Quotes the {@code stream} identifiers of {@code sql}; the text is unchanged when it has none. */
    public static Result quote(String sql) {
        if (!containsIgnoreCase(sql, "stream")) {
            return new Result(sql, List.of());
        }
        List<Token> tokens = new ArrayList<>();
        try {
            SimpleCharStream in = new SimpleCharStream(new StringReader(sql), 1, 1, 4096) {
                {
                    setTabSize(1); // as Calcite's parser does: a tab is one column
                }
            };
            SqlParserImplTokenManager lexer = new SqlParserImplTokenManager(in, SqlParserImplConstants.DQID);
            for (Token t = lexer.getNextToken(); ; t = lexer.getNextToken()) {
                tokens.add(t);
                if (t.kind == SqlParserImplConstants.EOF) {
                    break;
                }
            }
        } catch (RuntimeException | TokenMgrError e) {
            // a lexical error: the tokens before it are still rewritten, so the parser gets as far as the error
            // and reports it where it is (not at an earlier unquoted stream)
        }
        List<Token> rewrite = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind != SqlParserImplConstants.STREAM) {
                continue;
            }
            boolean afterSelect = i > 0 && tokens.get(i - 1).kind == SqlParserImplConstants.SELECT;
            int next = i + 1 < tokens.size() ? tokens.get(i + 1).kind : SqlParserImplConstants.EOF;
            if (!afterSelect || COLUMN_FOLLOWERS.contains(next)) {
                rewrite.add(t);
            }
        }
        if (rewrite.isEmpty()) {
            return new Result(sql, List.of());
        }
        StringBuilder out = new StringBuilder(sql);
        List<int[]> at = new ArrayList<>();
        for (int k = rewrite.size() - 1; k >= 0; k--) {
            Token t = rewrite.get(k);
            int start = offset(sql, t.beginLine, t.beginColumn);
            out.replace(start, start + t.image.length(), "\"stream\"");
            at.add(0, new int[] {t.beginLine, t.beginColumn});
        }
        return new Result(out.toString(), List.copyOf(at));
    }

    /** The offset of a 1-based (line, column), counting line breaks as the lexer does (CR LF, CR, LF). */
    private static int offset(String s, int line, int column) {
        int l = 1;
        int i = 0;
        while (l < line && i < s.length()) {
            char c = s.charAt(i++);
            if (c == '\r' && i < s.length() && s.charAt(i) == '\n') {
                i++;
                l++;
            } else if (c == '\r' || c == '\n') {
                l++;
            }
        }
        return i + column - 1;
    }

    private static boolean containsIgnoreCase(String s, String word) {
        for (int i = 0; i + word.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}
