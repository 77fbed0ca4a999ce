namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>How a request ended: the values of the <c>odoo.outcome</c> attribute.</summary>
public enum OdooOutcome
{
    /// <summary><c>ok</c>: a success as far as the status and the response prefix tell.</summary>
    Ok,

    /// <summary><c>rpc_error</c>: a JSON-RPC error or XML-RPC fault inside a 2xx response.</summary>
    RpcError,

    /// <summary><c>session_expired</c>: JSON-RPC error code 100.</summary>
    SessionExpired,

    /// <summary><c>client_error</c>: HTTP 4xx.</summary>
    ClientError,

    /// <summary><c>server_error</c>: HTTP 5xx from Odoo.</summary>
    ServerError,

    /// <summary><c>upstream_error</c>: connection refused or reset, worker killed (decided by the proxy).</summary>
    UpstreamError,

    /// <summary><c>timeout</c>: the upstream did not answer in time (decided by the proxy).</summary>
    Timeout,

    /// <summary><c>rejected</c>: refused by the proxy's queue (decided by the proxy).</summary>
    Rejected,

    /// <summary><c>client_abort</c>: the client went away (decided by the proxy).</summary>
    ClientAbort,
}

/// <summary>The exception class of an <c>rpc_error</c>: the values of the <c>odoo.error</c> attribute.</summary>
public enum OdooErrorClass
{
    /// <summary>No error class (the outcome is not <c>rpc_error</c>).</summary>
    None,

    /// <summary><c>UserError</c>.</summary>
    UserError,

    /// <summary><c>ValidationError</c>.</summary>
    ValidationError,

    /// <summary><c>AccessError</c>.</summary>
    AccessError,

    /// <summary><c>MissingError</c>.</summary>
    MissingError,

    /// <summary><c>RedirectWarning</c>.</summary>
    RedirectWarning,

    /// <summary><c>other</c>: any other class, or one not visible in the prefix.</summary>
    Other,
}

/// <summary>An outcome and, for <c>rpc_error</c>, the error class; a small value safe to log (it never holds body content).</summary>
public readonly record struct ResponseOutcome(OdooOutcome Outcome, OdooErrorClass ErrorClass = OdooErrorClass.None)
{
    /// <summary>The <c>ok</c> outcome.</summary>
    public static ResponseOutcome Ok => default;

    /// <summary>The <c>odoo.outcome</c> attribute value.</summary>
    public string OutcomeName => Outcome.ToAttributeValue();

    /// <summary>The <c>odoo.error</c> attribute value, or null when there is none.</summary>
    public string? ErrorName => ErrorClass.ToAttributeValue();

    /// <inheritdoc />
    public override string ToString() => ErrorName is { } error ? $"{OutcomeName}/{error}" : OutcomeName;
}

/// <summary>Maps outcomes and error classes to their cached attribute strings.</summary>
public static class OutcomeAttributeValues
{
    /// <summary>The <c>odoo.outcome</c> value, e.g. <c>rpc_error</c>.</summary>
    public static string ToAttributeValue(this OdooOutcome outcome) => outcome switch
    {
        OdooOutcome.Ok => "ok",
        OdooOutcome.RpcError => "rpc_error",
        OdooOutcome.SessionExpired => "session_expired",
        OdooOutcome.ClientError => "client_error",
        OdooOutcome.ServerError => "server_error",
        OdooOutcome.UpstreamError => "upstream_error",
        OdooOutcome.Timeout => "timeout",
        OdooOutcome.Rejected => "rejected",
        OdooOutcome.ClientAbort => "client_abort",
        _ => "ok",
    };

    /// <summary>The <c>odoo.error</c> value, e.g. <c>UserError</c>, or null for <see cref="OdooErrorClass.None"/>.</summary>
    public static string? ToAttributeValue(this OdooErrorClass errorClass) => errorClass switch
    {
        OdooErrorClass.None => null,
        OdooErrorClass.UserError => "UserError",
        OdooErrorClass.ValidationError => "ValidationError",
        OdooErrorClass.AccessError => "AccessError",
        OdooErrorClass.MissingError => "MissingError",
        OdooErrorClass.RedirectWarning => "RedirectWarning",
        _ => "other",
    };
}
