package dev.tokenwarden.runtime;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * RocksDB for the two small stores of each task (one entry per account and window, a few dozen bytes each), bounded
 * for the whole process. Kafka Streams' defaults give every store its own 50 MB block cache and three
 * 16 MB memtables, and every store preallocates a 4 MB manifest: 24 stores on one worker held 99 MB on disk for 10
 * accounts and their memory grew with the partition count. Here all stores share one block cache, which also
 * accounts for their memtables, so native memory stays under {@link #SHARED_CACHE_BYTES} whatever the partitions.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    /** Block cache and memtables of every store in this process together. */
    static final long SHARED_CACHE_BYTES = 32L << 20;
    private static final long MEMTABLES_BYTES = 8L << 20;
    private static final long MEMTABLE_BYTES = 1L << 20;
    private static final long MANIFEST_PREALLOCATION_BYTES = 64L << 10;

    /**
     * One per process, never closed: every store of every task uses them for the process' lifetime (the pattern of
     * Kafka Streams' memory management guide). Made on first use: the native library must be loaded first, and
     * Kafka Streams loads this class while it only checks its configuration.
     */
    private static final class Shared {
        static final Cache CACHE;
        static final WriteBufferManager BUFFERS;

        static {
            RocksDB.loadLibrary();
            CACHE = new LRUCache(SHARED_CACHE_BYTES, -1, false, 0.1);
            BUFFERS = new WriteBufferManager(MEMTABLES_BYTES, CACHE);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(Shared.CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(Shared.BUFFERS);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setManifestPreallocationSize(MANIFEST_PREALLOCATION_BYTES);
        options.setMaxManifestFileSize(MANIFEST_PREALLOCATION_BYTES * 16);
        options.setKeepLogFileNum(2);
        options.setMaxLogFileSize(1L << 20);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the buffer manager are shared by every store; they live as long as the process.
    }
}
