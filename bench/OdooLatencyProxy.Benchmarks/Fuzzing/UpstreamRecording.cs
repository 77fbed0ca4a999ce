namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>Every byte one connection to the <see cref="RecordingUpstream"/> carried, in accept order; Done once it closed.</summary>
internal sealed class UpstreamRecording(int number)
{
    private readonly List<byte> _bytes = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Number { get; } = number;

    public Task Done => _done.Task;

    public byte[] Bytes
    {
        get
        {
            lock (_bytes) return [.. _bytes];
        }
    }

    /// <summary>What a strict parser reads from the bytes so far.</summary>
    public ParseResult Parsed => StrictHttpParser.Parse(Bytes);

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_bytes) _bytes.AddRange(bytes);
    }

    internal void Close() => _done.TrySetResult();
}
