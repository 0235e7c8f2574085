package io.avalanche.rpm.format;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.TreeMap;

/** An immutable RPM header: entries sorted by tag number, without the region entry. */
public final class Header {
    private final TreeMap<Integer, HeaderEntry> entries;

    private Header(TreeMap<Integer, HeaderEntry> entries) {
        this.entries = entries;
    }

    public static Builder builder() {
        return new Builder(new TreeMap<>());
    }

    /** A builder pre-filled with this header's entries. */
    public Builder toBuilder() {
        return new Builder(new TreeMap<>(entries));
    }

    public Collection<HeaderEntry> entries() {
        return Collections.unmodifiableCollection(entries.values());
    }

    public Optional<HeaderEntry> get(int tag) {
        return Optional.ofNullable(entries.get(tag));
    }

    public Optional<HeaderEntry> get(Tag tag) {
        return get(tag.id());
    }

    public Optional<HeaderEntry> get(SigTag tag) {
        return get(tag.id());
    }

    public boolean has(int tag) {
        return entries.containsKey(tag);
    }

    /** First string of a STRING / I18NSTRING / STRING_ARRAY entry, or null when absent. */
    public String string(Tag tag) {
        return get(tag).map(e -> {
            String[] s = e.strings();
            return s.length == 0 ? null : s[0];
        }).orElse(null);
    }

    /** All strings of an entry, or an empty array when absent. */
    public String[] strings(Tag tag) {
        return get(tag).map(HeaderEntry::strings).orElse(new String[0]);
    }

    /** Integer values widened to long, or an empty array when absent. */
    public long[] numbers(int tag) {
        return get(tag).map(HeaderEntry::asLongs).orElse(new long[0]);
    }

    public long[] numbers(Tag tag) {
        return numbers(tag.id());
    }

    /** Mutable builder; build() freezes a copy. */
    public static final class Builder {
        private final TreeMap<Integer, HeaderEntry> entries;

        private Builder(TreeMap<Integer, HeaderEntry> entries) {
            this.entries = entries;
        }

        public Builder put(HeaderEntry e) {
            entries.put(e.tag(), e);
            return this;
        }

        public Builder remove(int tag) {
            entries.remove(tag);
            return this;
        }

        public Builder string(Tag t, String v) {
            return put(new HeaderEntry(t.id(), t.type(), new String[] {v}));
        }

        public Builder strings(Tag t, String... v) {
            return put(new HeaderEntry(t.id(), t.type(), v.clone()));
        }

        public Builder int32(Tag t, int... v) {
            return put(new HeaderEntry(t.id(), RpmType.INT32, v.clone()));
        }

        public Builder int16(Tag t, short... v) {
            return put(new HeaderEntry(t.id(), RpmType.INT16, v.clone()));
        }

        public Builder int64(Tag t, long... v) {
            return put(new HeaderEntry(t.id(), RpmType.INT64, v.clone()));
        }

        public Builder bin(int tag, byte[] v) {
            return put(new HeaderEntry(tag, RpmType.BIN, v.clone()));
        }

        public Builder string(SigTag t, String v) {
            return put(new HeaderEntry(t.id(), RpmType.STRING, new String[] {v}));
        }

        public Builder int32(SigTag t, int v) {
            return put(new HeaderEntry(t.id(), RpmType.INT32, new int[] {v}));
        }

        public Builder int64(SigTag t, long v) {
            return put(new HeaderEntry(t.id(), RpmType.INT64, new long[] {v}));
        }

        public Header build() {
            return new Header(new TreeMap<>(entries));
        }
    }
}
