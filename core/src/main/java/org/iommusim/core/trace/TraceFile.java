package org.iommusim.core.trace;

import java.util.ArrayList;
import java.util.List;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;

/**
 * The text form of a trace: one request per line, in the words of the scenario {@code translate}
 * command ({@code sid=N [pasid=N] iova=N access=read|write|exec [priv] [translated]}, {@code translated}
 * marking a PCIe ATS translated request); {@code #} comments and blank
 * lines are ignored.
 */
public final class TraceFile {
    private TraceFile() {
    }

    /**
     * Parses a trace.
     *
     * @throws IllegalArgumentException naming the line, for a line that is not a request
     */
    public static TranslationRequest[] parse(String text) {
        List<TranslationRequest> out = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            int hash = raw.indexOf('#');
            String s = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(request(s.split("[ \t]+")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out.toArray(new TranslationRequest[0]);
    }

    /** The line for one request. */
    public static String format(TranslationRequest r) {
        return "sid=" + Numbers.hex(Integer.toUnsignedLong(r.sourceId()))
                + (r.hasPasid() ? " pasid=" + Numbers.hex(r.pasid()) : "")
                + " iova=" + Numbers.hex(r.iova())
                + " access=" + r.access().name().toLowerCase(java.util.Locale.ROOT)
                + (r.privileged() ? " priv" : "")
                + (r.translated() ? " translated" : "");
    }

    private static TranslationRequest request(String[] words) {
        long sid = -1;
        long pasid = -1;
        long iova = -1;
        boolean haveIova = false;
        Access access = null;
        boolean priv = false;
        boolean translated = false;
        for (String w : words) {
            if (w.equals("priv")) {
                priv = true;
                continue;
            }
            if (w.equals("translated")) {
                translated = true;
                continue;
            }
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("unexpected word '" + w + "'");
            }
            String k = w.substring(0, eq);
            String v = w.substring(eq + 1);
            switch (k) {
                case "sid" -> sid = Numbers.parseUnsigned(v);
                case "pasid" -> pasid = Numbers.parseUnsigned(v);
                case "iova" -> {
                    iova = Numbers.parseUnsigned(v);
                    haveIova = true;
                }
                case "access" -> access = switch (v) {
                    case "read" -> Access.READ;
                    case "write" -> Access.WRITE;
                    case "exec" -> Access.EXEC;
                    default -> throw new IllegalArgumentException("access must be read, write or exec");
                };
                default -> throw new IllegalArgumentException("unknown key '" + k + "'");
            }
        }
        if (sid < 0 || sid > 0xFFFF_FFFFL || !haveIova || access == null) {
            throw new IllegalArgumentException("a request needs sid= (32 bits), iova= and access=");
        }
        if (pasid > TranslationRequest.MAX_PASID) {
            throw new IllegalArgumentException("pasid must fit in 20 bits");
        }
        return new TranslationRequest((int) sid, pasid < 0 ? TranslationRequest.NO_PASID : (int) pasid, iova, access,
                priv, translated);
    }
}
