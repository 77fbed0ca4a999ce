using System.Collections.Frozen;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Gives every request one operation name: from method and path, then if needed from a bounded peek at the body.</summary>
/// <remarks>Thread-safe; create one per configuration and share it. Nothing throws out of the classify methods.</remarks>
public sealed class RequestClassifier
{
    /// <summary>Longest model, method or action id accepted as a name part; longer ones are <c>rpc:other</c>.</summary>
    public const int MaxNameLength = 64;

    private const int MaxRpcNameLength = 4 + MaxNameLength + 1 + MaxNameLength;

    private readonly RouteTable _routes;
    private readonly CompiledRule[] _rules;
    private readonly FrozenDictionary<string, Operation>.AlternateLookup<ReadOnlySpan<char>> _business;
    private readonly FrozenDictionary<string, Operation>.AlternateLookup<ReadOnlySpan<char>> _families;
    private readonly RpcNameRegistry _rpcNames;
    private readonly Operation _other;
    private readonly Operation _rpcOther;
    private readonly Operation _reportAssets;
    private volatile FrozenDictionary<string, string> _serverActionLabels = FrozenDictionary<string, string>.Empty;
    private readonly FrozenDictionary<string, Operation> _known;

    /// <summary>Builds the classifier; throws <see cref="ClassificationRuleException"/> naming the first rule that cannot compile.</summary>
    public RequestClassifier(ClassificationOptions? options = null)
    {
        options ??= new ClassificationOptions();
        if (options.BodyPeekLimitBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BodyPeekLimitBytes, "BodyPeekLimitBytes must not be negative.");
        }

        if (options.RpcNameBudget < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RpcNameBudget, "RpcNameBudget must not be negative.");
        }

        BodyPeekLimitBytes = options.BodyPeekLimitBytes;
        var rules = options.Rules ?? [];

        // One Operation instance per name, carrying the threshold any rule gave it.
        var thresholds = CollectThresholds(rules);
        var known = new Dictionary<string, Operation>(StringComparer.Ordinal);
        Operation Intern(string name)
        {
            if (!known.TryGetValue(name, out var operation))
            {
                operation = new Operation(name, thresholds.TryGetValue(name, out var t) ? t : null);
                known.Add(name, operation);
            }

            return operation;
        }

        foreach (var name in OdooCatalog.AllOperationNames)
        {
            Intern(name);
        }

        _other = Intern(OperationNames.Other);
        _rpcOther = Intern(OperationNames.RpcOther);
        _reportAssets = Intern(OperationNames.ReportAssets);
        _routes = new RouteTable(OdooCatalog.Routes.Select(r => (r, Intern(r.Operation))));
        _business = OdooCatalog.BusinessOperations
            .ToFrozenDictionary(b => b.Model + "." + b.Method, b => Intern(b.Operation), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _families = OdooCatalog.BuildMethodFamilies()
            .ToFrozenDictionary(p => p.Key, p => Intern(p.Value), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _rules = [.. rules.Select((rule, index) => CompiledRule.Compile(index, rule, Intern(rule.Name!)))];
        _known = known.ToFrozenDictionary(StringComparer.Ordinal);
        _rpcNames = new RpcNameRegistry(options.RpcNameBudget, _rpcOther);
    }

    /// <summary>Largest body, in bytes, that <see cref="ClassifyBody"/> reads; hand it at most this many bytes.</summary>
    public int BodyPeekLimitBytes { get; }

    /// <summary>Every operation known at start-up (catalog, route families, rule names), with thresholds.</summary>
    public IReadOnlyCollection<Operation> KnownOperations => _known.Values;

    /// <summary>The distinct thresholds (seconds) configured by rules, sorted: extra histogram bucket edges.</summary>
    public IReadOnlyList<double> ThresholdsSeconds =>
        [.. _known.Values.Where(o => o.ThresholdSeconds is not null).Select(o => o.ThresholdSeconds!.Value).Distinct().Order()];

    /// <summary>How many <c>rpc:&lt;model&gt;.&lt;method&gt;</c> names exist so far (at most the budget).</summary>
    public int RpcNameCount => _rpcNames.Count;

    /// <summary>Looks up a known operation by name (e.g. to read its threshold), or null.</summary>
    public Operation? FindOperation(string name) => _known.GetValueOrDefault(name);

    /// <summary>
    /// Names server actions by what they are rather than by number: <paramref name="labels"/> maps an action id
    /// (<c>"339"</c>) to a label from <see cref="ServerActionLabel"/>, so <c>/web/action/run</c> and
    /// <c>ir.actions.server</c>/<c>run</c> become <c>rpc:action.&lt;label&gt;</c> (still within the name budget).
    /// Replaces the previous labels; safe while requests are being classified.
    /// </summary>
    public void UseServerActionLabels(IReadOnlyDictionary<string, string> labels) =>
        _serverActionLabels = labels.Where(l => IsValidName(l.Value)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A server action's label: its XML id (<c>sale.action_update_prices</c>) when it has one of a module's, else its
    /// English name in lower case with <c>_</c> for anything else (<c>Update prices</c> → <c>update_prices</c>); null when neither gives one.</summary>
    public static string? ServerActionLabel(string? xmlId, string? name)
    {
        var source = !string.IsNullOrEmpty(xmlId) && !xmlId.StartsWith("__", StringComparison.Ordinal) ? xmlId : name;
        if (string.IsNullOrWhiteSpace(source))
        {
            return null;
        }

        var label = new System.Text.StringBuilder(Math.Min(source.Length, MaxNameLength));
        foreach (var c in source.ToLowerInvariant())
        {
            var kept = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' ? c : '_';
            if (kept == '_' && (label.Length == 0 || label[^1] == '_'))
            {
                continue;
            }

            label.Append(kept);
            if (label.Length == MaxNameLength)
            {
                break;
            }
        }

        var text = label.ToString().Trim('_', '.');
        return text.Length == 0 ? null : text;
    }

    /// <summary>Stage 1: classifies from HTTP method and path (no query string), and the User-Agent where the caller has it
    /// (Odoo's PDF renderer gets an operation of its own). Allocates nothing.</summary>
    public RouteClassification ClassifyRoute(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<char> userAgent = default)
    {
        if (userAgent.Contains(OdooCatalog.ReportRendererUserAgent, StringComparison.Ordinal))
        {
            return new(MatchRules(httpMethod, path, FactKind.None, default, default) ?? _reportAssets, RouteHandling.Named);
        }

        if (!_routes.TryMatch(httpMethod, path, out var entry, out var captures) || entry is null)
        {
            return new(MatchRules(httpMethod, path, FactKind.None, default, default) ?? _other, RouteHandling.Named);
        }

        switch (entry.Handling)
        {
            case RouteHandling.Named:
                return new(MatchRules(httpMethod, path, FactKind.None, default, default) ?? entry.Operation, RouteHandling.Named);

            case RouteHandling.ModelMethodInPath:
                var model = path.Slice(captures.Start0, captures.Length0);
                var method = path.Slice(captures.Start1, captures.Length1);
                if (IsServerActionRun(model, method))
                {
                    // The action's id is in the body (args[0]); the pair's own name is the fallback.
                    return new(ResolvePair(httpMethod, path, model, method), RouteHandling.BodyModelMethod);
                }

                return new(
                    IsValidName(model) && IsValidName(method)
                        ? ResolvePair(httpMethod, path, model, method)
                        : MatchRules(httpMethod, path, FactKind.None, default, default) ?? entry.Operation,
                    RouteHandling.Named);

            default:
                // First match wins: a path-only rule ahead of any rule that needs the body decides now.
                var facts = entry.Handling == RouteHandling.BodyActionId ? FactKind.Action : FactKind.Pair;
                foreach (var rule in _rules)
                {
                    if (rule.ThresholdOnly || !rule.MatchesRequest(httpMethod, path))
                    {
                        continue;
                    }

                    if (!rule.NeedsFacts)
                    {
                        return new(rule.Operation, RouteHandling.Named);
                    }

                    if (rule.Facts == facts)
                    {
                        break;
                    }
                }

                return new(entry.Operation, entry.Handling);
        }
    }

    /// <summary>Stage 2: names a request from its buffered body. <paramref name="body"/> holds the first bytes (at most
    /// <see cref="BodyPeekLimitBytes"/>), <paramref name="bodyLength"/> the whole body's length. Bodies that are longer than the limit
    /// or than <paramref name="body"/>, compressed, malformed or truncated get the path-only result.</summary>
    public Operation ClassifyBody(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path,
        ReadOnlySpan<byte> body, long bodyLength, ReadOnlySpan<char> contentEncoding = default)
    {
        if (!route.NeedsBody)
        {
            return route.Operation;
        }

        if (bodyLength > BodyPeekLimitBytes || bodyLength != body.Length || !IsIdentity(contentEncoding))
        {
            return Fallback(route, httpMethod, path);
        }

        try
        {
            return route.BodyHandling switch
            {
                RouteHandling.BodyModelMethod => FromJsonModelMethod(route, httpMethod, path, body),
                RouteHandling.BodyExecuteKw => FromJsonExecuteKw(route, httpMethod, path, body),
                RouteHandling.BodyXmlRpcExecuteKw => FromXmlRpc(route, httpMethod, path, body),
                RouteHandling.BodyActionId => FromActionRun(route, httpMethod, path, body),
                _ => route.Operation,
            };
        }
#pragma warning disable CA1031 // Classification must never fail a request: anything unexpected keeps the path-only name.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Fallback(route, httpMethod, path);
        }
    }

    /// <summary>Both stages at once, for callers that already hold the whole body.</summary>
    public Operation Classify(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<byte> body, ReadOnlySpan<char> contentEncoding = default)
    {
        var route = ClassifyRoute(httpMethod, path);
        return route.NeedsBody ? ClassifyBody(route, httpMethod, path, body, body.Length, contentEncoding) : route.Operation;
    }

    private Operation FromJsonModelMethod(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<byte> body)
    {
        Span<byte> scratch = stackalloc byte[JsonRpcRequestReader.ScratchBytes];
        if (!JsonRpcRequestReader.TryRead(body, scratch, out var facts))
        {
            return Fallback(route, httpMethod, path);
        }

        var model = facts.Model.Resolve(body, scratch);
        var method = facts.Method.Resolve(body, scratch);
        Span<char> id = stackalloc char[MaxNameLength];
        if (model.SequenceEqual(ServerActionModel) && method.SequenceEqual(ServerActionRun) && TryWiden(facts.FirstId.Resolve(body, scratch), id, out var idLength))
        {
            return NameServerAction(httpMethod, path, id[..idLength]);
        }

        return FromUtf8Pair(route, httpMethod, path, model, method);
    }

    private static ReadOnlySpan<byte> ServerActionModel => "ir.actions.server"u8;

    private static ReadOnlySpan<byte> ServerActionRun => "run"u8;

    private static bool IsServerActionRun(ReadOnlySpan<char> model, ReadOnlySpan<char> method) =>
        model.SequenceEqual("ir.actions.server") && method.SequenceEqual("run");

    private Operation FromJsonExecuteKw(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<byte> body)
    {
        Span<byte> scratch = stackalloc byte[JsonRpcRequestReader.ScratchBytes];
        if (!JsonRpcRequestReader.TryRead(body, scratch, out var facts)
            || !facts.Service.Resolve(body, scratch).SequenceEqual("object"u8)
            || !(facts.Method.Resolve(body, scratch).SequenceEqual("execute_kw"u8) || facts.Method.Resolve(body, scratch).SequenceEqual("execute"u8)))
        {
            return Fallback(route, httpMethod, path);
        }

        return FromUtf8Pair(route, httpMethod, path, facts.Arg3.Resolve(body, scratch), facts.Arg4.Resolve(body, scratch));
    }

    private Operation FromXmlRpc(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<byte> body)
    {
        if (!XmlRpcRequestReader.TryRead(body, out var methodName, out var model, out var method)
            || !(methodName.SequenceEqual("execute_kw"u8) || methodName.SequenceEqual("execute"u8)))
        {
            return Fallback(route, httpMethod, path);
        }

        return FromUtf8Pair(route, httpMethod, path, model, method);
    }

    private Operation FromActionRun(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<byte> body)
    {
        Span<byte> scratch = stackalloc byte[JsonRpcRequestReader.ScratchBytes];
        Span<char> id = stackalloc char[MaxNameLength];
        if (!JsonRpcRequestReader.TryRead(body, scratch, out var facts) || !TryWiden(facts.ActionId.Resolve(body, scratch), id, out var idLength))
        {
            return Fallback(route, httpMethod, path);
        }

        return NameServerAction(httpMethod, path, id[..idLength]);
    }

    private Operation NameServerAction(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<char> actionId)
    {
        if (MatchRules(httpMethod, path, FactKind.Action, actionId, default) is { } ruled)
        {
            return ruled;
        }

        var label = _serverActionLabels.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(actionId, out var known) ? known.AsSpan() : actionId;
        // A rule may name the action by its XML id, which the web client never sends but the labels know.
        if (known is not null && MatchRules(httpMethod, path, FactKind.Action, label, default) is { } ruledByLabel)
        {
            return ruledByLabel;
        }

        Span<char> name = stackalloc char[MaxRpcNameLength];
        var length = Concat(name, OperationNames.RpcPrefix, "action", label);
        return _rpcNames.GetOrAdd(name[..length]);
    }

    private Operation FromUtf8Pair(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path,
        ReadOnlySpan<byte> model, ReadOnlySpan<byte> method)
    {
        Span<char> modelChars = stackalloc char[MaxNameLength];
        Span<char> methodChars = stackalloc char[MaxNameLength];
        if (!TryWiden(model, modelChars, out var modelLength) || !TryWiden(method, methodChars, out var methodLength))
        {
            // Present but unusable names (garbage, too long) are an RPC all the same.
            return MatchRules(httpMethod, path, FactKind.None, default, default)
                ?? (model.IsEmpty && method.IsEmpty ? route.Operation : _rpcOther);
        }

        return ResolvePair(httpMethod, path, modelChars[..modelLength], methodChars[..methodLength]);
    }

    private Operation ResolvePair(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, ReadOnlySpan<char> model, ReadOnlySpan<char> method)
    {
        if (_rules.Length != 0 && MatchRules(httpMethod, path, FactKind.Pair, model, method) is { } ruled)
        {
            return ruled;
        }

        Span<char> name = stackalloc char[MaxRpcNameLength];
        var length = Concat(name, OperationNames.RpcPrefix, model, method);
        var key = name[OperationNames.RpcPrefix.Length..length];
        if (_business.TryGetValue(key, out var business))
        {
            return business;
        }

        if (_families.TryGetValue(method, out var family))
        {
            return family;
        }

        return _rpcNames.GetOrAdd(name[..length]);
    }

    private Operation Fallback(in RouteClassification route, ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path) =>
        MatchRules(httpMethod, path, FactKind.None, default, default) ?? route.Operation;

    private Operation? MatchRules(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, FactKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        foreach (var rule in _rules)
        {
            if (rule.Matches(httpMethod, path, kind, first, second))
            {
                return rule.Operation;
            }
        }

        return null;
    }

    private static int Concat(Span<char> destination, ReadOnlySpan<char> prefix, ReadOnlySpan<char> model, ReadOnlySpan<char> method)
    {
        prefix.CopyTo(destination);
        var length = prefix.Length;
        model.CopyTo(destination[length..]);
        length += model.Length;
        destination[length++] = '.';
        method.CopyTo(destination[length..]);
        return length + method.Length;
    }

    internal static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!CompiledRule.IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    // Names are ASCII by construction, so widening byte by byte is a complete UTF-8 decode for every name we accept.
    private static bool TryWiden(ReadOnlySpan<byte> utf8, Span<char> destination, out int length)
    {
        length = 0;
        if (utf8.IsEmpty || utf8.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var b in utf8)
        {
            var c = (char)b;
            if (b >= 0x80 || !CompiledRule.IsNameChar(c))
            {
                return false;
            }

            destination[length++] = c;
        }

        return true;
    }

    private static bool IsIdentity(ReadOnlySpan<char> contentEncoding)
    {
        var trimmed = contentEncoding.Trim();
        return trimmed.IsEmpty || trimmed.Equals("identity", StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, double> CollectThresholds(IReadOnlyList<ClassificationRule> rules)
    {
        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] ?? throw new ClassificationRuleException(i, null, "the rule is empty.");
            ValidateName(i, rule);
            if (rule.ThresholdSeconds is not { } threshold)
            {
                continue;
            }

            if (!double.IsFinite(threshold) || threshold <= 0)
            {
                throw new ClassificationRuleException(i, rule.Name, $"ThresholdSeconds must be a positive number of seconds, not {threshold}.");
            }

            if (thresholds.TryGetValue(rule.Name!, out var existing) && existing != threshold)
            {
                throw new ClassificationRuleException(i, rule.Name,
                    $"ThresholdSeconds {threshold} conflicts with {existing} set for the same operation by an earlier rule.");
            }

            thresholds[rule.Name!] = threshold;
        }

        return thresholds;
    }

    private static void ValidateName(int index, ClassificationRule rule)
    {
        var name = rule.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ClassificationRuleException(index, name, "Name is required.");
        }

        var valid = name.Length <= MaxNameLength && char.IsAsciiLetterLower(name[0]) && name[^1] != '.';
        foreach (var c in name)
        {
            valid &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.';
        }

        if (!valid)
        {
            throw new ClassificationRuleException(index, name,
                $"Name must start with a lower case letter and hold only a-z, 0-9, '_' and '.', at most {MaxNameLength} characters.");
        }
    }
}
