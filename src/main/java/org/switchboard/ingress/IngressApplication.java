package org.switchboard.ingress;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/**
 * The hub's REST API, for back ends that publish without holding a WebSocket. Payara describes it
 * at {@code /openapi} from these annotations.
 */
@ApplicationPath("api")
@OpenAPIDefinition(info = @Info(title = "Switchboard", version = "1",
        description = "Publish to the hub's channels from back ends (docs/protocol.md, docs/client.md)"))
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT"),
        @SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic")
})
public class IngressApplication extends Application {
}
