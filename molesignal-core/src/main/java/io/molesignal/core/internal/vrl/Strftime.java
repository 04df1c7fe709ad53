package io.molesignal.core.internal.vrl;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Translates a strftime format as VRL documents it (chrono's specifiers,
 * https://docs.rs/chrono/latest/chrono/format/strftime/) into a {@link DateTimeFormatter}. Supported: %Y %C %y %m
 * %b %h %B %d %e %a %A %j %H %I %M %S %p %f %.f %.3f %.6f %.9f %3f %6f %9f %z %:z %Z %F %D %T %R %v %+ %s %% %n %t.
 */
final class Strftime {
    private Strftime() {
    }

    /** @throws IllegalArgumentException for an unsupported specifier */
    static DateTimeFormatter compile(String format, boolean parsing) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                if (c == ' ' && parsing) {
                    // chrono lets a space in the format match no whitespace as well
                    b.optionalStart().appendLiteral(' ').optionalEnd();
                } else {
                    b.appendLiteral(c);
                }
                continue;
            }
            if (++i >= format.length()) {
                throw new IllegalArgumentException("format ends with '%'");
            }
            char s = format.charAt(i);
            switch (s) {
                case 'Y' -> b.appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL);
                case 'C' -> throw new IllegalArgumentException("%C is not supported");
                case 'y' -> b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
                case 'm' -> b.appendValue(ChronoField.MONTH_OF_YEAR, 2);
                case 'b', 'h' -> b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
                case 'B' -> b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
                case 'd' -> b.appendValue(ChronoField.DAY_OF_MONTH, 2);
                case 'e' -> spaceDay(b, parsing);
                case 'a' -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
                case 'A' -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
                case 'j' -> b.appendValue(ChronoField.DAY_OF_YEAR, 3);
                case 'H' -> b.appendValue(ChronoField.HOUR_OF_DAY, 2);
                case 'I' -> b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
                case 'M' -> b.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
                case 'S' -> b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
                case 'p' -> b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
                case 'f' -> b.appendValue(ChronoField.NANO_OF_SECOND, 9);
                case '3', '6', '9' -> {
                    if (++i >= format.length() || format.charAt(i) != 'f') {
                        throw new IllegalArgumentException("unsupported specifier %" + s);
                    }
                    int digits = s - '0';
                    b.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, false);
                }
                case '.' -> {
                    if (++i >= format.length()) {
                        throw new IllegalArgumentException("format ends with '%.'");
                    }
                    char d = format.charAt(i);
                    if (d == 'f') {
                        b.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true);
                    } else if ((d == '3' || d == '6' || d == '9') && i + 1 < format.length()
                            && format.charAt(i + 1) == 'f') {
                        i++;
                        b.appendFraction(ChronoField.NANO_OF_SECOND, d - '0', d - '0', true);
                    } else {
                        throw new IllegalArgumentException("unsupported specifier %." + d);
                    }
                }
                case 'z' -> b.appendOffset("+HHMM", "+0000");
                case ':' -> {
                    if (++i >= format.length() || format.charAt(i) != 'z') {
                        throw new IllegalArgumentException("unsupported specifier %:");
                    }
                    b.appendOffset("+HH:MM", "+00:00");
                }
                case 'Z' -> {
                    if (parsing) {
                        throw new IllegalArgumentException("%Z can't be parsed");
                    }
                    b.appendZoneText(TextStyle.SHORT);
                }
                case 'F' -> b.append(compile("%Y-%m-%d", parsing));
                case 'D' -> b.append(compile("%m/%d/%y", parsing));
                case 'T' -> b.append(compile("%H:%M:%S", parsing));
                case 'R' -> b.append(compile("%H:%M", parsing));
                case 'v' -> b.append(compile("%e-%b-%Y", parsing));
                case '+' -> b.append(compile("%Y-%m-%dT%H:%M:%S%.f%:z", parsing));
                case 's' -> b.appendValue(ChronoField.INSTANT_SECONDS, 1, 19, SignStyle.NORMAL);
                case '%' -> b.appendLiteral('%');
                case 'n' -> b.appendLiteral('\n');
                case 't' -> b.appendLiteral('\t');
                default -> throw new IllegalArgumentException("unsupported specifier %" + s);
            }
        }
        return b.toFormatter(Locale.ENGLISH);
    }

    private static void spaceDay(DateTimeFormatterBuilder b, boolean parsing) {
        if (parsing) {
            b.optionalStart().appendLiteral(' ').optionalEnd();
            b.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE);
        } else {
            b.padNext(2, ' ').appendValue(ChronoField.DAY_OF_MONTH);
        }
    }
}
