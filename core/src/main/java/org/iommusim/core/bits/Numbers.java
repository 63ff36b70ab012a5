package org.iommusim.core.bits;

/** Parsing of the numbers scripts and options use: decimal or 0x-hex, '_' between digits, unsigned 64-bit. */
public final class Numbers {
    private Numbers() {
    }

    /**
     * Parses an unsigned 64-bit number.
     *
     * @throws NumberFormatException with a message fit for a user when it is not one
     */
    public static long parseUnsigned(String text) {
        String s = text;
        int radix = 10;
        if (s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            s = s.substring(2);
            radix = 16;
        }
        if (s.isEmpty() || s.startsWith("_") || s.endsWith("_") || s.contains("__")) {
            throw new NumberFormatException("bad number '" + text + "'");
        }
        s = s.replace("_", "");
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), radix) < 0) {
                throw new NumberFormatException("bad number '" + text + "'");
            }
        }
        try {
            return Long.parseUnsignedLong(s, radix);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("number '" + text + "' does not fit in 64 bits");
        }
    }

    /**
     * Parses bytes written as hex digits, first byte first ({@code data=HEX}); an optional {@code 0x} and
     * '_' between digits are allowed.
     *
     * @throws NumberFormatException with a message fit for a user when it is not an even number of digits
     */
    public static byte[] parseHexBytes(String text, int maxBytes) {
        String h = (text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text).replace("_", "");
        if (h.length() % 2 != 0 || h.length() / 2 > maxBytes) {
            throw new NumberFormatException("data must be an even number of hex digits (at most " + maxBytes
                    + " bytes): '" + text + "'");
        }
        try {
            return java.util.HexFormat.of().parseHex(h);
        } catch (IllegalArgumentException e) {
            throw new NumberFormatException("data must be hex digits: '" + text + "'");
        }
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
