namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>The <c>Classification</c> configuration section.</summary>
public sealed record ClassificationOptions
{
    /// <summary>The default <see cref="BodyPeekLimitBytes"/>: 16 KiB.</summary>
    public const int DefaultBodyPeekLimitBytes = 16 * 1024;

    /// <summary>The default <see cref="RpcNameBudget"/>: 200 names.</summary>
    public const int DefaultRpcNameBudget = 200;

    /// <summary>Largest request body, in bytes, read to find model, method or action; larger bodies are named by path alone. Default 16384.</summary>
    public int BodyPeekLimitBytes { get; init; } = DefaultBodyPeekLimitBytes;

    /// <summary>How many distinct <c>rpc:&lt;model&gt;.&lt;method&gt;</c> names may exist; past it new pairs are <c>rpc:other</c>. Default 200.</summary>
    public int RpcNameBudget { get; init; } = DefaultRpcNameBudget;

    /// <summary>User rules, tried in order before the built-in catalog; the first that matches names the request. Default none.</summary>
    public IReadOnlyList<ClassificationRule> Rules { get; init; } = [];
}

/// <summary>A user rule: every criterion that is set must match; a rule without criteria only sets the threshold of the operation it names.</summary>
public sealed record ClassificationRule
{
    /// <summary>Operation name given to matching requests: lower case letters, digits, <c>_</c> and <c>.</c>. Required.</summary>
    public string? Name { get; init; }

    /// <summary>Path glob: <c>*</c> matches within a segment, <c>**</c> across segments, <c>?</c> one character. Default none.</summary>
    public string? Path { get; init; }

    /// <summary>Path regular expression (.NET syntax, unanchored unless you anchor it); not with <see cref="Path"/>. Default none.</summary>
    public string? PathRegex { get; init; }

    /// <summary>HTTP method, case-insensitive (e.g. <c>POST</c>). Default any.</summary>
    public string? HttpMethod { get; init; }

    /// <summary>Odoo model the RPC targets, exact (e.g. <c>sale.order</c>). Default any.</summary>
    public string? Model { get; init; }

    /// <summary>Model method the RPC calls, exact (e.g. <c>action_confirm</c>). Default any.</summary>
    public string? Method { get; init; }

    /// <summary>Server action id or XML id run through <c>/web/action/run</c>, exact; not with Model or Method. Default any.</summary>
    public string? ActionId { get; init; }

    /// <summary>Latency threshold in seconds for this operation (alerting, histogram bucket edge). Default none.</summary>
    public double? ThresholdSeconds { get; init; }
}

/// <summary>Thrown at start-up when a classification rule cannot be compiled; names the rule by index and name.</summary>
public sealed class ClassificationRuleException : Exception
{
    /// <summary>Creates the exception for the rule at <paramref name="ruleIndex"/>.</summary>
    public ClassificationRuleException(int ruleIndex, string? ruleName, string reason, Exception? innerException = null)
        : base($"Classification rule #{ruleIndex} ('{ruleName ?? "<no name>"}'): {reason}", innerException)
    {
        RuleIndex = ruleIndex;
        RuleName = ruleName;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ClassificationRuleException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ClassificationRuleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ClassificationRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Zero-based index of the rule in <c>Classification:Rules</c>, or -1.</summary>
    public int RuleIndex { get; } = -1;

    /// <summary>The rule's <c>Name</c>, if it has one.</summary>
    public string? RuleName { get; }
}
