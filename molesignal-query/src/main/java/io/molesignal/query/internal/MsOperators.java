package io.molesignal.query.internal;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.H2SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;

/** MoleSignal's own operators: {@code json_value} as each dialect can run it, and the ciphertext match. */
public final class MsOperators {
    private MsOperators() {
    }

    /**
     * {@code MS_JSON_VALUE(json, '<canonical path>')}: the scalar at the path as a string, or NULL (API.md).
     * PostgreSQL: {@code jsonb_typeof}/{@code #>>} over {@code CAST(json AS JSONB)}; H2: the {@code MS_JSON_VALUE}
     * alias ({@link H2Functions}); other dialects: standard {@code JSON_VALUE}.
     */
    public static final SqlFunction JSON_VALUE = new SqlFunction("MS_JSON_VALUE", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.VARCHAR).andThen(SqlTypeTransforms.FORCE_NULLABLE), null,
            OperandTypes.family(org.apache.calcite.sql.type.SqlTypeFamily.STRING,
                    org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER),
            SqlFunctionCategory.USER_DEFINED_FUNCTION) {
        @Override
        public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
            SqlNode json = call.operand(0);
            String pathText = ((SqlLiteral) call.operand(1)).getValueAs(String.class);
            JsonPath path = JsonPath.parse(pathText).orElseThrow();
            if (writer.getDialect() instanceof PostgresqlSqlDialect) {
                StringBuilder arr = new StringBuilder("{");
                for (int i = 0; i < path.steps().size(); i++) {
                    if (i > 0) {
                        arr.append(',');
                    }
                    arr.append('"').append(path.steps().get(i)).append('"');
                }
                arr.append('}');
                String lit = "'" + arr.toString().replace("'", "''") + "'";
                writer.print("CASE WHEN jsonb_typeof(CAST(");
                json.unparse(writer, 0, 0);
                writer.print(" AS JSONB) #> " + lit + ") IN ('string', 'number', 'boolean') THEN CAST(");
                json.unparse(writer, 0, 0);
                writer.print(" AS JSONB) #>> " + lit + " END");
                writer.setNeedWhitespace(true);
            } else if (writer.getDialect() instanceof H2SqlDialect) {
                writer.print("MS_JSON_VALUE(");
                json.unparse(writer, 0, 0);
                writer.print(", ");
                SqlLiteral.createCharString(path.text(), call.getParserPosition()).unparse(writer, 0, 0);
                writer.print(")");
                writer.setNeedWhitespace(true);
            } else {
                writer.print("JSON_VALUE(");
                json.unparse(writer, 0, 0);
                writer.print(", ");
                SqlLiteral.createCharString(path.text().replace("[\"", ".").replace("\"]", ""),
                        call.getParserPosition()).unparse(writer, 0, 0);
                writer.print(")");
                writer.setNeedWhitespace(true);
            }
        }
    };

    /**
     * {@code MS_CIPHER_IN(expr, ?)}: true when {@code expr} equals one element of the bound array of candidate
     * ciphertexts; written as {@code (expr = ANY (?))}. Comparison only: leakproof.
     */
    public static final SqlFunction CIPHER_IN = new SqlFunction("MS_CIPHER_IN", SqlKind.OTHER_FUNCTION,
            ReturnTypes.BOOLEAN_NULLABLE,
            (callBinding, returnType, operandTypes) -> {
                RelDataTypeFactory tf = callBinding.getTypeFactory();
                RelDataType vc = tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.VARCHAR), true);
                operandTypes[0] = vc;
                operandTypes[1] = tf.createArrayType(vc, -1);
            },
            OperandTypes.ANY_ANY, SqlFunctionCategory.USER_DEFINED_FUNCTION) {
        @Override
        public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
            writer.print("(");
            call.operand(0).unparse(writer, 0, 0);
            writer.print(" = ANY (");
            call.operand(1).unparse(writer, 0, 0);
            writer.print("))");
            writer.setNeedWhitespace(true);
        }
    };

    static boolean isCharLiteral(SqlNode n) {
        return n instanceof SqlCharStringLiteral;
    }
}
