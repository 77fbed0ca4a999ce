namespace OdooLatencyProxy.Odoo.Classification;

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
