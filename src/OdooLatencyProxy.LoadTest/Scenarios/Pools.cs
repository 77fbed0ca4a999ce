namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>
/// Ids of records this run created, by pool name (e.g. <c>draft_orders</c>): seeds and steps put them, steps take (use
/// once, e.g. confirm a draft) or pick (any, e.g. open an order). Never ids that merely happen to exist. Thread-safe.
/// </summary>
internal sealed class Pools
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<TemplateValue>> _pools = new(StringComparer.Ordinal);

    public void Put(string pool, TemplateValue value)
    {
        lock (_lock)
        {
            if (!_pools.TryGetValue(pool, out var items))
            {
                _pools[pool] = items = [];
            }

            items.Add(value);
        }
    }

    /// <summary>Removes and returns the oldest item (the record waited longest in its state, as a user's queue would).</summary>
    public TemplateValue Take(string pool)
    {
        lock (_lock)
        {
            if (!_pools.TryGetValue(pool, out var items) || items.Count == 0)
            {
                throw new PoolEmptyException(pool);
            }

            var value = items[0];
            items.RemoveAt(0);
            return value;
        }
    }

    /// <summary>Any item, left in the pool.</summary>
    public TemplateValue Pick(string pool, Random random)
    {
        lock (_lock)
        {
            if (!_pools.TryGetValue(pool, out var items) || items.Count == 0)
            {
                throw new PoolEmptyException(pool);
            }

            return items[random.Next(items.Count)];
        }
    }

    public int Count(string pool)
    {
        lock (_lock)
        {
            return _pools.TryGetValue(pool, out var items) ? items.Count : 0;
        }
    }

    /// <summary>Pool sizes, for the report's notes.</summary>
    public IReadOnlyDictionary<string, int> Sizes()
    {
        lock (_lock)
        {
            return _pools.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
        }
    }
}
