package gatehouse.sandbox.mcp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The sample MCP server is bound to loopback and reached through Gatehouse, which does the
 * authorisation; Spring Security (on the sandbox classpath for the authorization server) must not
 * add a login of its own here.
 */
@Configuration(proxyBeanMethods = false)
class OpenSecurityConfiguration {

	@Bean
	SecurityFilterChain openSecurityFilterChain(HttpSecurity http) {
		return http.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

}
