using System.Text;

namespace Rostra.Core.Validation;

/// <summary>
/// The row where each key (a lower-cased username or email) was first seen in a file, kept compactly: the keys as
/// UTF-8 in large shared chunks and an open-addressing table of (hash, key reference, row). A million keys take about
/// a third of what a <c>Dictionary&lt;string, int&gt;</c> of the same keys holds (no string object, header or UTF-16
/// per key), which is most of validation's memory on a large file. Comparisons are exact, byte for byte.
/// </summary>
internal sealed class FirstRowIndex
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxKeyBytes = ushort.MaxValue;

    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize;

    // Slot i is empty when _refs[i] == 0; otherwise _refs[i] - 1 is the key's reference (chunk << ChunkBits | offset).
    private int[] _refs = new int[1024];
    private int[] _hashes = new int[1024];
    private int[] _rows = new int[1024];

    public int Count { get; private set; }

    /// <summary>
    /// Adds <paramref name="key"/> first seen at <paramref name="row"/>, or, when it was seen before, returns false
    /// with that earlier row.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<char> key, int row, out int firstRow)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        if (byteCount > MaxKeyBytes) throw new ArgumentException("Key too long.", nameof(key));
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, bytes);
        var hash = string.GetHashCode(key, StringComparison.Ordinal);

        var mask = _refs.Length - 1;
        var slot = hash & mask;
        while (_refs[slot] != 0)
        {
            if (_hashes[slot] == hash && Key(_refs[slot] - 1).SequenceEqual(bytes))
            {
                firstRow = _rows[slot];
                return false;
            }
            slot = (slot + 1) & mask;
        }

        _refs[slot] = Store(bytes) + 1;
        _hashes[slot] = hash;
        _rows[slot] = row;
        firstRow = row;
        if (++Count * 4 > _refs.Length * 3) Grow();
        return true;
    }

    /// <summary>True when <paramref name="key"/> was added.</summary>
    public bool Contains(ReadOnlySpan<char> key)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        if (byteCount > MaxKeyBytes) return false;
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, bytes);
        var hash = string.GetHashCode(key, StringComparison.Ordinal);
        var mask = _refs.Length - 1;
        var slot = hash & mask;
        while (_refs[slot] != 0)
        {
            if (_hashes[slot] == hash && Key(_refs[slot] - 1).SequenceEqual(bytes)) return true;
            slot = (slot + 1) & mask;
        }
        return false;
    }

    private int Store(ReadOnlySpan<byte> bytes)
    {
        var need = bytes.Length + 2;
        if (_used + need > ChunkSize)
        {
            _chunks.Add(new byte[Math.Max(ChunkSize, need)]);
            _used = 0;
        }
        var chunk = _chunks[^1];
        var offset = _used;
        chunk[offset] = (byte)bytes.Length;
        chunk[offset + 1] = (byte)(bytes.Length >> 8);
        bytes.CopyTo(chunk.AsSpan(offset + 2));
        _used += need;
        return ((_chunks.Count - 1) << ChunkBits) | offset;
    }

    private ReadOnlySpan<byte> Key(int reference)
    {
        var chunk = _chunks[reference >>> ChunkBits];
        var offset = reference & (ChunkSize - 1);
        var length = chunk[offset] | (chunk[offset + 1] << 8);
        return chunk.AsSpan(offset + 2, length);
    }

    private void Grow()
    {
        var (refs, hashes, rows) = (_refs, _hashes, _rows);
        var capacity = refs.Length * 2;
        _refs = new int[capacity];
        _hashes = new int[capacity];
        _rows = new int[capacity];
        var mask = capacity - 1;
        for (var i = 0; i < refs.Length; i++)
        {
            if (refs[i] == 0) continue;
            var slot = hashes[i] & mask;
            while (_refs[slot] != 0) slot = (slot + 1) & mask;
            _refs[slot] = refs[i];
            _hashes[slot] = hashes[i];
            _rows[slot] = rows[i];
        }
    }
}
