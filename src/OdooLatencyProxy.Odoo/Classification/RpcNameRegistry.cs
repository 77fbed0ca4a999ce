using System.Collections.Concurrent;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Interns <c>rpc:</c> names up to a budget so client-chosen model and method names cannot create unbounded series.</summary>
internal sealed class RpcNameRegistry
{
    private readonly ConcurrentDictionary<string, Operation> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Operation>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _gate = new();
    private readonly int _budget;
    private readonly Operation _overflow;
    private int _count;

    public RpcNameRegistry(int budget, Operation overflow)
    {
        _budget = budget;
        _overflow = overflow;
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the interned operation for <paramref name="name"/>, or <c>rpc:other</c> once the budget is spent.</summary>
    public Operation GetOrAdd(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var operation))
        {
            return operation;
        }

        if (Volatile.Read(ref _count) >= _budget)
        {
            return _overflow;
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(name, out operation))
            {
                return operation;
            }

            if (_count >= _budget)
            {
                return _overflow;
            }

            operation = new Operation(name.ToString());
            _names[operation.Name] = operation;
            Volatile.Write(ref _count, _count + 1);
            return operation;
        }
    }

    public IReadOnlyCollection<Operation> Snapshot() => [.. _names.Values];
}
