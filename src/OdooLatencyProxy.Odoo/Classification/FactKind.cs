namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>What the classifier knows about a request when it evaluates rules.</summary>
internal enum FactKind
{
    /// <summary>Only method and path.</summary>
    None,

    /// <summary>Model and method of an RPC.</summary>
    Pair,

    /// <summary>The id of a server action.</summary>
    Action,
}
