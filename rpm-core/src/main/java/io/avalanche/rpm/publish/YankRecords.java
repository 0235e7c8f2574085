package io.avalanche.rpm.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The published records of yanked releases ({@code <root>yanked/<tag>.json}): which package objects left the
 * metadata of every channel, why and when. Every publish and every metadata rewrite reads them, so a yanked package is
 * never listed again until it is unyanked; its object stays stored.
 */
public final class YankRecords {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One yanked package: its object, what it is, its channel, why and when (ISO-8601 UTC) it was yanked. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String key, String name, String evr, String arch, String channel, String reason,
                        String yankedAt) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The record of one tag: the reason and time of its latest yank, and every package yanked. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Record(String tag, String reason, String yankedAt, List<Entry> packages) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Record {
            packages = packages == null ? List.of() : List.copyOf(packages);
        }

        /** The record as published (pretty JSON). */
        public byte[] toJson() {
            try {
                return JSON.writeValueAsBytes(this);
            } catch (JsonProcessingException e) {
                throw new PublishException("cannot write the yank record of " + tag + ": " + e.getMessage(), e);
            }
        }
    }

    private final Map<String, Record> byTag;

    private YankRecords(Map<String, Record> byTag) {
        this.byTag = byTag;
    }

    /** Every record under the layout's yank directory; a record that cannot be read stops the caller. */
    public static YankRecords read(ObjectStore store, Layout layout) {
        Map<String, Record> out = new TreeMap<>();
        for (StoredObject o : store.list(layout.yankDir())) {
            if (!o.key().endsWith(".json")) {
                continue;
            }
            Optional<byte[]> b = store.get(o.key());
            if (b.isEmpty()) {
                continue;   // unyanked between the listing and the read
            }
            Record r = parse(b.get(), store.describe(o.key()));
            out.put(r.tag(), r);
        }
        return new YankRecords(out);
    }

    static Record parse(byte[] json, String where) {
        try {
            Record r = JSON.readValue(json, Record.class);
            if (r.tag() == null) {
                throw new PublishException(where + ": a yank record without a tag; fix or delete it");
            }
            return r;
        } catch (IOException e) {
            throw new PublishException(where + ": not a yank record (" + e.getMessage() + "); it keeps packages out "
                    + "of the metadata, so nothing is published until it is fixed or deleted", e);
        }
    }

    /** The object keys of every yanked package. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        byTag.values().forEach(r -> r.packages().forEach(e -> keys.add(e.key())));
        return keys;
    }

    /** The record of a tag, if it has one. */
    public Optional<Record> of(String tag) {
        return Optional.ofNullable(byTag.get(tag));
    }

    /** Every record, by tag. */
    public Map<String, Record> all() {
        return java.util.Collections.unmodifiableMap(byTag);
    }

    /** Publishes a record (none left: deletes it); its text is checked by reading it back as a record. */
    public static void write(ObjectStore store, Layout layout, Record r) {
        String key = layout.yankRecord(r.tag());
        if (r.packages().isEmpty()) {
            store.delete(key);
            return;
        }
        byte[] json = r.toJson();
        parse(json, new String(json, StandardCharsets.UTF_8));
        store.put(key, json, "application/json");
    }
}
