namespace OdooLatencyProxy.Odoo.Classification;

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
