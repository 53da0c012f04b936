package org.rnnservice.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * ETags on the reads a client polls or caches (a model, its summary, its weights): {@code If-None-Match} with the
 * current tag answers {@code 304} and no body, so a client re-downloads weights only when a new version exists.
 */
@Configuration(proxyBeanMethods = false)
class ETags {

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> modelETags() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter() {
                    @Override
                    protected boolean shouldNotFilter(HttpServletRequest request) {
                        // only reads get tags; a prediction's answer would be buffered for nothing
                        return !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
                    }
                });
        registration.addUrlPatterns("/api/v1/models/*");
        registration.setName("modelETags");
        return registration;
    }
}
