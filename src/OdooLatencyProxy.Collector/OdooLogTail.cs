using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Follows Odoo's log (<c>Collector:LogPath</c>, <c>--odoo-log</c>) with one <see cref="OdooLogFollower"/> every
/// <c>Collector:LogInterval</c> and hands each read to every <see cref="IOdooLogReader"/>: the cron probe and the
/// access-line join read the same file once. Runs with or without the database collector.
/// </summary>
internal sealed partial class OdooLogTail : BackgroundService
{
    private readonly OdooLogFollower _follower;
    private readonly IOdooLogReader[] _readers;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<OdooLogTail> _logger;

    public OdooLogTail(IOptions<CollectorOptions> options, IEnumerable<IOdooLogReader> readers, TimeProvider time, ILogger<OdooLogTail> logger)
    {
        var path = options.Value.LogPath ?? throw new InvalidOperationException("OdooLogTail needs Collector:LogPath");
        _follower = new OdooLogFollower(path);
        _follower.Rotated += () => CollectorLog.LogRotated(logger, path);
        _readers = [.. readers];
        _interval = options.Value.LogInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Why the log cannot be read now, or null.</summary>
    public string? Problem => _follower.Problem;

    /// <summary>Reads what was appended and hands it to the readers (the timer's work; tests call it directly).</summary>
    public void ReadOnce()
    {
        IReadOnlyList<OdooLogLine> lines;
        try
        {
            lines = _follower.Poll();
        }
        // An I/O failure mid-read (a disk error, an NFS hiccup) is the same as an unreadable file: say so, try again.
        catch (IOException e)
        {
            lines = [];
            LogReadFailed(_logger, e.Message);
        }
        foreach (var reader in _readers)
        {
            try
            {
                reader.Read(lines, _follower.Problem);
            }
            // A reader's bug must not stop the others, nor the tail (a BackgroundService's exception stops the host).
            catch (Exception e)
            {
                LogReaderFailed(_logger, reader.GetType().Name, e);
            }
        }
    }

    public override void Dispose()
    {
        _follower.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                ReadOnce();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or disposed without a stop: the host would log a cancelled service as failed.
        }
    }

    [LoggerMessage(6010, LogLevel.Warning, "Reading Odoo's log failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(6011, LogLevel.Error, "Odoo log reader {Reader} failed")]
    private static partial void LogReaderFailed(ILogger logger, string reader, Exception exception);
}
