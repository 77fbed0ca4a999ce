using System.Collections.Frozen;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>The catalog's routes as a segment trie: one dictionary probe per path segment, no allocation per match.</summary>
internal sealed class RouteTable
{
    private readonly Node _root;

    public RouteTable(IEnumerable<(OdooRoute Route, Operation Operation)> routes)
    {
        var root = new Builder();
        foreach (var (route, operation) in routes)
        {
            root.Add(route, operation);
        }

        _root = root.Build();
    }

    public bool TryMatch(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, out RouteEntry? entry, out PathCaptures captures)
    {
        captures = default;
        return Match(_root, path, 0, httpMethod, ref captures, out entry);
    }

    private static bool Match(Node node, ReadOnlySpan<char> path, int position, ReadOnlySpan<char> httpMethod, ref PathCaptures captures, out RouteEntry? entry)
    {
        // Empty segments ("//", a trailing "/") carry no meaning for Odoo's router either.
        while (position < path.Length && path[position] == '/')
        {
            position++;
        }

        if (position >= path.Length)
        {
            return Pick(node.Exact, httpMethod, out entry) || Pick(node.Rest, httpMethod, out entry);
        }

        var slash = path[position..].IndexOf('/');
        var end = slash < 0 ? path.Length : position + slash;
        var segment = path[position..end];

        if (node.Literals is { } literals && literals.TryGetValue(segment, out var child)
            && Match(child, path, end, httpMethod, ref captures, out entry))
        {
            return true;
        }

        if (node.Star is { } star)
        {
            var saved = captures;
            captures.Add(position, end - position);
            if (Match(star, path, end, httpMethod, ref captures, out entry))
            {
                return true;
            }

            captures = saved;
        }

        return Pick(node.Rest, httpMethod, out entry);
    }

    private static bool Pick(RouteEntry[] entries, ReadOnlySpan<char> httpMethod, out RouteEntry? entry)
    {
        // Entries with an HTTP method are sorted first, so they win over the same pattern without one.
        foreach (var candidate in entries)
        {
            if (candidate.HttpMethod is null || httpMethod.Equals(candidate.HttpMethod, StringComparison.OrdinalIgnoreCase))
            {
                entry = candidate;
                return true;
            }
        }

        entry = null;
        return false;
    }

    private sealed class Node
    {
        public FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>>? Literals { get; init; }
        public Node? Star { get; init; }
        public RouteEntry[] Exact { get; init; } = [];
        public RouteEntry[] Rest { get; init; } = [];
    }

    private sealed class Builder
    {
        private readonly Dictionary<string, Builder> _literals = new(StringComparer.Ordinal);
        private readonly List<RouteEntry> _exact = [];
        private readonly List<RouteEntry> _rest = [];
        private Builder? _star;

        public void Add(OdooRoute route, Operation operation)
        {
            var segments = route.Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var node = this;
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment == "**")
                {
                    if (i != segments.Length - 1)
                    {
                        throw new ArgumentException($"Route pattern '{route.Pattern}': '**' must be the last segment.", nameof(route));
                    }

                    node._rest.Add(new RouteEntry(route.HttpMethod, operation, route.Handling));
                    return;
                }

                if (segment == "*")
                {
                    node = node._star ??= new Builder();
                }
                else
                {
                    if (!node._literals.TryGetValue(segment, out var next))
                    {
                        next = new Builder();
                        node._literals.Add(segment, next);
                    }

                    node = next;
                }
            }

            node._exact.Add(new RouteEntry(route.HttpMethod, operation, route.Handling));
        }

        public Node Build() => new()
        {
            Literals = _literals.Count == 0
                ? null
                : _literals.ToFrozenDictionary(p => p.Key, p => p.Value.Build(), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>(),
            Star = _star?.Build(),
            Exact = Sort(_exact),
            Rest = Sort(_rest),
        };

        private static RouteEntry[] Sort(List<RouteEntry> entries) =>
            [.. entries.OrderBy(e => e.HttpMethod is null ? 1 : 0)];
    }
}
