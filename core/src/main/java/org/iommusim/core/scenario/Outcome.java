package org.iommusim.core.scenario;

import java.util.HexFormat;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationResult;

/** What a result-producing command left for the {@code expect} lines below it. */
sealed interface Outcome {

    /** How the outcome reads in messages: "ok pa=0x... size=0x... perm=rw", "fault reason=0x6 stage=2", ... */
    String describe();

    Json json(int line);

    /** A translation or a DMA. */
    record Access(String op, boolean ok, long pa, TranslationResult result, Fault fault, boolean busError,
                  byte[] data) implements Outcome {
        @Override
        public String describe() {
            if (ok) {
                StringBuilder sb = new StringBuilder("ok");
                if (pa != -1) {
                    sb.append(" pa=").append(Numbers.hex(pa));
                }
                if (result != null) {
                    sb.append(" size=").append(Numbers.hex(result.pageSize()))
                            .append(" perm=").append(Permissions.toString(result.permissions()));
                }
                if (data != null) {
                    sb.append(" data=").append(HexFormat.of().formatHex(data));
                }
                return sb.toString();
            }
            if (busError) {
                return "fault bus-error (the output address does not exist)";
            }
            return "fault reason=" + Numbers.hex(fault.code()) + " stage=" + fault.stage() + " name=" + fault.name()
                    + (fault.level() >= 0 ? " level=" + fault.level() : "") + " addr=" + Numbers.hex(fault.address());
        }

        @Override
        public Json json(int line) {
            Json j = new Json().put("line", line).put("op", op).put("ok", ok);
            if (ok) {
                if (pa != -1) {
                    j.put("pa", Numbers.hex(pa));
                }
                if (result != null) {
                    j.put("size", Numbers.hex(result.pageSize()))
                            .put("perm", Permissions.toString(result.permissions()));
                }
                if (data != null) {
                    j.put("data", HexFormat.of().formatHex(data));
                }
            } else if (busError) {
                j.put("busError", true);
            } else {
                j.put("reason", Numbers.hex(fault.code())).put("stage", fault.stage()).put("name", fault.name());
                if (fault.level() >= 0) {
                    j.put("level", fault.level());
                }
                j.put("address", Numbers.hex(fault.address()));
            }
            return j;
        }
    }

    /** A memory or register read. */
    record Value(String op, long value) implements Outcome {
        @Override
        public String describe() {
            return "value=" + Numbers.hex(value);
        }

        @Override
        public Json json(int line) {
            return new Json().put("line", line).put("op", op).put("value", Numbers.hex(value));
        }
    }

    /** A front-end call ({@code vfio}, {@code iommufd}, {@code ioctl}): its out-fields, or its errno. */
    record Call(CallResult result) implements Outcome {
        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder(result.ok() ? "ok" : "errno=" + result.errno());
            result.fields().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }

        @Override
        public Json json(int line) {
            Json j = new Json().put("line", line).put("op", result.op()).put("ok", result.ok());
            if (!result.ok()) {
                j.put("errno", result.errno());
            }
            result.fields().forEach(j::put);
            return j;
        }
    }
}
