namespace Rostra.Core.Workbooks;

/// <summary>
/// A write-only stream over one that takes only asynchronous writes, such as an HTTP response: a workbook is written
/// through it straight to the client as it is made. Asynchronous writes go through at once; the few synchronous writes
/// a zip container makes as it closes a part or itself (a data descriptor, the central directory: some bytes per part)
/// are held and sent ahead of the next asynchronous write, or by <see cref="FlushAsync(CancellationToken)"/> and
/// <see cref="DisposeAsync"/>. The inner stream is left open.
/// </summary>
public sealed class AsyncWriteStream(Stream inner) : Stream
{
    private readonly MemoryStream _held = new();
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _held.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendHeldAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
        _written += buffer.Length;
    }

    /// <summary>A synchronous flush only keeps what is held: it is sent by the next asynchronous call.</summary>
    public override void Flush()
    {
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendHeldAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await SendHeldAsync(CancellationToken.None);
        await _held.DisposeAsync();
        await base.DisposeAsync();
    }

    private async ValueTask SendHeldAsync(CancellationToken cancellationToken)
    {
        if (_held.Length == 0) return;
        await inner.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
        _held.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
