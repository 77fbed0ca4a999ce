namespace OdooLatencyProxy.Odoo.Classification;

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
