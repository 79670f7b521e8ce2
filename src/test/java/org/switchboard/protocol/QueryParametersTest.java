package org.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QueryParametersTest {

    @Test
    void malformedPercentEncodingIsDetected() {
        assertThat(QueryParameters.isWellFormed(null)).isTrue();
        assertThat(QueryParameters.isWellFormed("name=%C3%A5sa&x=1")).isTrue();
        assertThat(QueryParameters.isWellFormed("name=%ZZ")).isFalse();
        assertThat(QueryParameters.isWellFormed("name=a%")).isFalse();
        assertThat(QueryParameters.isWellFormed("name=a%4")).isFalse();
        assertThat(QueryParameters.isWellFormed("x=%ZZ&name=ok")).isFalse();
    }

    @Test
    void decodesUtf8AndRepeatedKeys() {
        assertThat(QueryParameters.parse("name=Zo%C3%AB+X&a=1&a=2&flag"))
                .containsEntry("name", List.of("Zoë X"))
                .containsEntry("a", List.of("1", "2"))
                .containsEntry("flag", List.of(""));
    }

    @Test
    void emptyOrMalformedIsHarmless() {
        assertThat(QueryParameters.parse(null)).isEmpty();
        assertThat(QueryParameters.parse("")).isEmpty();
        assertThat(QueryParameters.parse("name=%zz")).containsEntry("name", List.of("%zz"));
    }
}
