package org.iommusim.core.uapi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The byte layout of one C structure of a uAPI header, built field by field with the C ABI's natural
 * alignment (each scalar aligned to its size; an {@code __aligned_u64} is a {@code u64}), so a layout
 * written in header order has the header's offsets and size. Fields of an embedded structure are named
 * with dots ({@code range.min}), as the scenario format writes them.
 */
public final class Layout {
    /** One scalar field: name, byte offset, size in bytes (1, 2, 4 or 8), and whether the kernel writes it. */
    public record Field(String name, int offset, int size, boolean out) {
    }

    private final String name;
    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final int size;

    private Layout(String name, List<Field> fields, int size) {
        this.name = name;
        this.fields = Collections.unmodifiableList(fields);
        Map<String, Field> m = new LinkedHashMap<>();
        fields.forEach(f -> m.put(f.name(), f));
        this.byName = Collections.unmodifiableMap(m);
        this.size = size;
    }

    public static Builder struct(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<Field> fields() {
        return fields;
    }

    public Optional<Field> field(String fieldName) {
        return Optional.ofNullable(byName.get(fieldName));
    }

    public Field require(String fieldName) {
        Field f = byName.get(fieldName);
        if (f == null) {
            throw new IllegalArgumentException(name + " has no field " + fieldName);
        }
        return f;
    }

    /** sizeof the structure, padded to its largest member's alignment. */
    public int size() {
        return size;
    }

    /** offsetofend of a field: the smallest user size that still holds it (the kernel's minsz). */
    public int end(String fieldName) {
        Field f = require(fieldName);
        return f.offset() + f.size();
    }

    /** Builds a layout in header order. */
    public static final class Builder {
        private final String name;
        private final List<Field> fields = new ArrayList<>();
        private int offset;
        private int align = 1;
        private String prefix = "";

        private Builder(String name) {
            this.name = name;
        }

        public Builder u8(String n) {
            return add(n, 1, false);
        }

        public Builder u16(String n) {
            return add(n, 2, false);
        }

        public Builder u32(String n) {
            return add(n, 4, false);
        }

        public Builder u64(String n) {
            return add(n, 8, false);
        }

        /** A field the kernel fills in (an out-field). */
        public Builder out8(String n) {
            return add(n, 1, true);
        }

        public Builder out32(String n) {
            return add(n, 4, true);
        }

        public Builder out64(String n) {
            return add(n, 8, true);
        }

        /** {@code count} elements {@code n[0]} ... of {@code size} bytes each. */
        public Builder array(String n, int size, int count, boolean out) {
            for (int i = 0; i < count; i++) {
                add(n + "[" + i + "]", size, out);
            }
            return this;
        }

        /** Fields added until {@link #end} belong to the embedded structure {@code n}. */
        public Builder begin(String n) {
            prefix = prefix + n + ".";
            return this;
        }

        public Builder end() {
            String p = prefix.substring(0, prefix.length() - 1);
            int dot = p.lastIndexOf('.');
            prefix = dot < 0 ? "" : p.substring(0, dot + 1);
            return this;
        }

        /**
         * The whole of {@code inner} as the embedded structure {@code n}, aligned to its largest member (the
         * C ABI's rule for a struct member).
         */
        public Builder embed(String n, Layout inner) {
            int innerAlign = 1;
            for (Field f : inner.fields) {
                innerAlign = Math.max(innerAlign, f.size());
            }
            int base = (offset + innerAlign - 1) & -innerAlign;
            for (Field f : inner.fields) {
                fields.add(new Field(prefix + n + "." + f.name(), base + f.offset(), f.size(), f.out()));
            }
            offset = base + inner.size;
            align = Math.max(align, innerAlign);
            return this;
        }

        /** Padding up to {@code offset} (a union's larger member, reserved space). */
        public Builder padTo(int to) {
            offset = Math.max(offset, to);
            return this;
        }

        private Builder add(String n, int size, boolean out) {
            offset = (offset + size - 1) & -size;
            fields.add(new Field(prefix + n, offset, size, out));
            offset += size;
            align = Math.max(align, size);
            return this;
        }

        public Layout build() {
            return new Layout(name, new ArrayList<>(fields), (offset + align - 1) & -align);
        }
    }
}
