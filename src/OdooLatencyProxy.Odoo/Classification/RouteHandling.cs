namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>How a route of the catalog gets its operation name.</summary>
public enum RouteHandling
{
    /// <summary>The route's operation name is final.</summary>
    Named,

    /// <summary>The path holds <c>&lt;model&gt;/&lt;method&gt;</c> (the first two <c>*</c> segments); the route's name is the fallback.</summary>
    ModelMethodInPath,

    /// <summary>Model and method are only in the JSON-RPC body (<c>params.model</c>, <c>params.method</c>).</summary>
    BodyModelMethod,

    /// <summary>External JSON-RPC: <c>params.args[3]</c> and <c>[4]</c> when <c>params.service</c> is <c>object</c> and the method <c>execute_kw</c>.</summary>
    BodyExecuteKw,

    /// <summary>XML-RPC: the 4th and 5th <c>&lt;param&gt;</c> of <c>execute_kw</c>.</summary>
    BodyXmlRpcExecuteKw,

    /// <summary>A server action: <c>params.action_id</c> in the JSON-RPC body.</summary>
    BodyActionId,
}
