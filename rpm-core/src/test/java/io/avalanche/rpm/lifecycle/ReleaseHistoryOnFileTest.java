package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.store.FileStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** The release history on a file: bucket. */
class ReleaseHistoryOnFileTest extends ReleaseHistory {
    @Test
    void onFile() {
        Path bucket = tmp.resolve("bucket");
        try (FileStore store = new FileStore(bucket)) {
            history(store, null);
        }
    }
}
