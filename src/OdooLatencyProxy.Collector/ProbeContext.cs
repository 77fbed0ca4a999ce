using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>What a probe gets for one poll: a lazily opened connection and the cached schema.</summary>
internal sealed class ProbeContext(NpgsqlDataSource dataSource, OdooSchemaCache schemaCache) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>The poll's connection, opened on first use.</summary>
    public async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken) =>
        _connection ??= await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>The Odoo schema, read again when the cached one is too old.</summary>
    public async Task<OdooSchema> SchemaAsync(CancellationToken cancellationToken) =>
        await schemaCache.GetAsync(await ConnectionAsync(cancellationToken), cancellationToken);

    /// <summary>The schema as last read, without touching the database (null before the first read).</summary>
    public OdooSchema? CachedSchema => schemaCache.Current;

    /// <summary>The database's current UTC time, the clock every watermark uses.</summary>
    public async Task<DateTime> DbNowAsync(CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT now() AT TIME ZONE 'UTC'", await ConnectionAsync(cancellationToken));
        return (DateTime)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}

/// <summary>Shares one schema reading among the probes and refreshes it after <c>SchemaRefreshInterval</c>.</summary>
internal sealed class OdooSchemaCache(TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<CollectorOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _readAt;

    /// <summary>The last schema read, or null.</summary>
    public OdooSchema? Current { get; private set; }

    /// <summary>Returns the cached schema or reads it again.</summary>
    public async Task<OdooSchema> GetAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (Current is { } fresh && timeProvider.GetUtcNow() - _readAt < options.Value.SchemaRefreshInterval)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Current is { } other && timeProvider.GetUtcNow() - _readAt < options.Value.SchemaRefreshInterval)
            {
                return other;
            }

            Current = await OdooSchema.ReadAsync(connection, cancellationToken);
            _readAt = timeProvider.GetUtcNow();
            return Current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forces the next poll to read the schema again (after a failure: the database may have been upgraded).</summary>
    public void Invalidate() => _readAt = DateTimeOffset.MinValue;

    public void Dispose() => _gate.Dispose();
}
