using System.Text;
using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Follows Odoo's log file like <c>tail -F</c>: reads what was appended since the last call, keeps a partial
/// last line for later, and notices rotation (rename + new file, or copy-truncate) by the file's first bytes. The one
/// reader of the file: cron lines and access lines are both taken from the records it returns.
/// </summary>
internal sealed class OdooLogFollower(string path) : IDisposable
{
    // Enough of the first line (timestamp, pid) to tell two log files apart.
    private const int FingerprintLength = 64;
    private readonly List<byte> _partial = [];
    private FileStream? _stream;
    private byte[] _fingerprint = [];
    private bool _started;

    /// <summary>Why the file at the path cannot be read now (missing, unreadable), or null when it can.</summary>
    public string? Problem { get; private set; }

    /// <summary>Raised when the file at the path turned out to be a new one.</summary>
    public event Action? Rotated;

    /// <summary>Reads the records appended since the last call (traceback and other continuation lines are skipped). The first call starts at the end of the file (old lines were counted by an earlier process, or are history).</summary>
    public IReadOnlyList<OdooLogLine> Poll()
    {
        var lines = new List<OdooLogLine>();
        if (_stream is null)
        {
            if (!TryOpen(fromStart: _started))
            {
                return lines;
            }
        }
        else if (IsReplaced())
        {
            // Finish the old file first: the last lines Odoo wrote before the rename belong to it.
            ReadAvailable(lines);
            FlushPartial(lines);
            _stream.Dispose();
            _stream = null;
            Rotated?.Invoke();
            if (!TryOpen(fromStart: true))
            {
                return lines;
            }
        }

        ReadAvailable(lines);
        return lines;
    }

    public void Dispose() => _stream?.Dispose();

    private bool TryOpen(bool fromStart)
    {
        _started = true;
        if (OpenAtPath() is not { } stream)
        {
            return false;
        }

        _stream = stream;

        _partial.Clear();
        _fingerprint = ReadFingerprint(_stream);
        _stream.Position = fromStart ? 0 : _stream.Length;
        return true;
    }

    private bool IsReplaced()
    {
        // Renamed away and not yet recreated (or unreadable): keep reading the old file, and say so.
        if (OpenAtPath() is not { } current)
        {
            return false;
        }

        using (current)
        {
            // Lengths first: the path's file read before our handle's, so the same file can only look longer
            // through our handle; shorter than where we are means truncation.
            var pathLength = current.Length;
            if (_stream!.Length < pathLength || pathLength < _stream.Position)
            {
                return true;
            }

            // Same first bytes as the file we hold: the same file, maybe grown (then remember the longer head).
            var head = ReadFingerprint(current);
            var compared = Math.Min(head.Length, _fingerprint.Length);
            if (!head.AsSpan(0, compared).SequenceEqual(_fingerprint.AsSpan(0, compared)))
            {
                return true;
            }

            if (head.Length > _fingerprint.Length)
            {
                _fingerprint = head;
            }

            return false;
        }
    }

    private FileStream? OpenAtPath()
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Problem = null;
            return stream;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Problem = $"Odoo log '{path}' does not exist (deleted, or rotated and not recreated)";
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            Problem = $"Odoo log '{path}' cannot be read: {e.Message}";
        }

        return null;
    }

    private static byte[] ReadFingerprint(FileStream stream)
    {
        var buffer = new byte[FingerprintLength];
        stream.Position = 0;
        var read = stream.ReadAtLeast(buffer, FingerprintLength, throwOnEndOfStream: false);
        return buffer[..read];
    }

    private void ReadAvailable(List<OdooLogLine> lines)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = _stream!.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                _partial.AddRange(buffer.AsSpan(start, i - start));
                Parse(_partial, lines);
                _partial.Clear();
                start = i + 1;
            }

            _partial.AddRange(buffer.AsSpan(start, read - start));
        }
    }

    private void FlushPartial(List<OdooLogLine> lines)
    {
        if (_partial.Count > 0)
        {
            Parse(_partial, lines);
            _partial.Clear();
        }
    }

    private static void Parse(List<byte> bytes, List<OdooLogLine> lines)
    {
        // Invalid UTF-8 (a Latin-1 path, a cut multi-byte character) becomes U+FFFD: the line still parses.
        if (OdooLogLine.Parse(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))) is { } line) lines.Add(line);
    }
}
