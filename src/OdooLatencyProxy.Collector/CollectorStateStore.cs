using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Collector;

/// <summary>Keeps the probes' watermarks in a small JSON file (when <c>Collector:StatePath</c> is set) so restarts neither recount nor miss events.</summary>
internal sealed class CollectorStateStore
{
    private readonly string? _path;
    private readonly Lock _lock = new();
    private readonly JsonObject _state;

    private readonly ILogger<CollectorStateStore> _logger;
    private bool _writeFailed;

    public CollectorStateStore(IOptions<CollectorOptions> options, ILogger<CollectorStateStore> logger)
    {
        _logger = logger;
        _path = options.Value.StatePath;
        _state = Load(_path);
    }

    /// <summary>True when state survives a restart.</summary>
    public bool Persistent => _path is not null;

    /// <summary>The saved value of <paramref name="key"/>, if any (its type from <see cref="CollectorJson"/>).</summary>
    public T? Get<T>(string key, JsonTypeInfo<T> type)
        where T : class
    {
        lock (_lock)
        {
            return _state[key] is { } node ? node.Deserialize(type) : null;
        }
    }

    /// <summary>Replaces <paramref name="key"/> and writes the file (atomically: temp file, then rename).</summary>
    public void Set<T>(string key, T value, JsonTypeInfo<T> type)
    {
        if (_path is null)
        {
            return;
        }

        lock (_lock)
        {
            _state[key] = JsonSerializer.SerializeToNode(value, type);
            try
            {
                var temp = _path + ".tmp";
                File.WriteAllText(temp, _state.ToJsonString(CollectorJson.Default.Options));
                File.Move(temp, _path, overwrite: true);
                _writeFailed = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only or full disk costs only the catch-up after a restart, never the probe: warn once.
                if (!_writeFailed)
                {
                    CollectorLog.StateWriteFailed(_logger, _path, ex.Message);
                }

                _writeFailed = true;
            }
        }
    }

    private static JsonObject Load(string? path)
    {
        try
        {
            if (path is not null && File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject loaded)
            {
                return loaded;
            }
        }
        catch (JsonException)
        {
            // A damaged state file only costs the catch-up of one restart: start afresh.
        }

        return [];
    }
}
