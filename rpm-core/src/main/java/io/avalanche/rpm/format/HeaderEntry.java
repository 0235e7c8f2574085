package io.avalanche.rpm.format;

import java.util.Arrays;

/**
 * One header entry: tag number, type and value. Values are typed arrays: byte[] (CHAR, INT8, BIN),
 * short[] (INT16), int[] (INT32), long[] (INT64), String[] (STRING, STRING_ARRAY, I18NSTRING).
 */
public record HeaderEntry(int tag, RpmType type, Object value) {

    public HeaderEntry {
        int n = count(type, value); // also checks that the value's array type matches the type
        if (type == RpmType.STRING && n != 1) {
            throw new IllegalArgumentException("STRING entry " + tag + " must hold exactly one string");
        }
    }

    /** Number of values, as stored in the index entry's count field. */
    public int count() {
        return count(type, value);
    }

    private static int count(RpmType type, Object value) {
        return switch (type) {
            case NULL -> 0;
            case CHAR, INT8, BIN -> ((byte[]) value).length;
            case INT16 -> ((short[]) value).length;
            case INT32 -> ((int[]) value).length;
            case INT64 -> ((long[]) value).length;
            case STRING, STRING_ARRAY, I18NSTRING -> ((String[]) value).length;
        };
    }

    /** The strings of a STRING, STRING_ARRAY or I18NSTRING entry; RpmFormatException for another type. */
    public String[] strings() {
        return ((String[]) typed(String[].class, "strings")).clone();
    }

    public int[] ints() {
        return ((int[]) typed(int[].class, "INT32 values")).clone();
    }

    public short[] shorts() {
        return ((short[]) typed(short[].class, "INT16 values")).clone();
    }

    public long[] longs() {
        return ((long[]) typed(long[].class, "INT64 values")).clone();
    }

    public byte[] bytes() {
        return ((byte[]) typed(byte[].class, "bytes")).clone();
    }

    /** The value when it is of {@code kind}; a typed error naming the tag otherwise (a crafted header). */
    private Object typed(Class<?> kind, String what) {
        if (!kind.isInstance(value)) {
            throw new RpmFormatException("tag " + tag + " holds " + type + ", not " + what);
        }
        return value;
    }

    /** Every integer type widened to long, for callers that do not care about width. */
    public long[] asLongs() {
        return switch (type) {
            case CHAR, INT8 -> { byte[] b = (byte[]) value; long[] r = new long[b.length];
                for (int i = 0; i < b.length; i++) { r[i] = b[i] & 0xff; } yield r; }
            case INT16 -> { short[] s = (short[]) value; long[] r = new long[s.length];
                for (int i = 0; i < s.length; i++) { r[i] = s[i] & 0xffff; } yield r; }
            case INT32 -> { int[] s = (int[]) value; long[] r = new long[s.length];
                for (int i = 0; i < s.length; i++) { r[i] = s[i] & 0xffffffffL; } yield r; }
            case INT64 -> ((long[]) value).clone();
            default -> throw new RpmFormatException("tag " + tag + " holds " + type + ", not an integer");
        };
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HeaderEntry e) || e.tag != tag || e.type != type) {
            return false;
        }
        return Arrays.deepEquals(new Object[] {value}, new Object[] {e.value});
    }

    @Override
    public int hashCode() {
        return tag * 31 + Arrays.deepHashCode(new Object[] {value});
    }

    @Override
    public String toString() {
        String v = Arrays.deepToString(new Object[] {value});
        return tag + ":" + type + "=" + v.substring(1, v.length() - 1);
    }
}
