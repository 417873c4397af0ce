<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared page furniture for every page of the HTML edition: <head>, the site
  banner with its navigation, the footer. Included by tei2html.xsl (document
  pages) and site-pages.xsl (index, register and chronology pages).

  Nothing here loads from the network: one local stylesheet and one local
  script under assets/, both written by the Python side (tei_encoder.site).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:site="urn:tei-encoder:site"
  exclude-result-prefixes="#all">

  <!-- Relative path from the page being written to the site root ("" or "../"). -->
  <xsl:param name="root" as="xs:string" select="''"/>
  <xsl:param name="site-title" as="xs:string" select="'Documents on North Korea: a TEI edition'"/>

  <xsl:output method="html" version="5" encoding="UTF-8" indent="no" include-content-type="no"/>

  <!-- The whole page around $content. $current names the nav item to mark. -->
  <xsl:template name="site:page">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="current" as="xs:string" select="''"/>
    <xsl:param name="description" as="xs:string" select="''"/>
    <xsl:param name="content" as="item()*"/>
    <xsl:param name="body-class" as="xs:string" select="''"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> · <xsl:value-of select="$site-title"/></title>
        <xsl:if test="$description">
          <meta name="description" content="{normalize-space($description)}"/>
        </xsl:if>
        <meta name="generator" content="tei-encoder (xslt/tei2html.xsl)"/>
        <link rel="stylesheet" href="{$root}assets/site.css"/>
        <script src="{$root}assets/site.js" defer=""></script>
      </head>
      <body>
        <xsl:if test="$body-class"><xsl:attribute name="class" select="$body-class"/></xsl:if>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <p class="site-title"><a href="{$root}index.html"><xsl:value-of select="$site-title"/></a></p>
          <nav aria-label="Site">
            <ul>
              <xsl:for-each select="('index|Documents', 'persons|Persons', 'places|Places',
                                     'orgs|Organisations', 'chronology|Chronology')">
                <xsl:variable name="key" select="substring-before(., '|')"/>
                <li>
                  <a href="{$root}{$key}.html">
                    <xsl:if test="$key = $current"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>
                    <xsl:value-of select="substring-after(., '|')"/>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </nav>
        </header>
        <main id="main" tabindex="-1">
          <xsl:sequence select="$content"/>
        </main>
        <footer class="site-footer">
          <p>A digital edition encoded in <a href="https://tei-c.org/guidelines/p5/">TEI P5</a>.
            Square brackets mark words supplied by the translator, […] text left out by the editors.
            Every page works offline.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- "1963-08-22" -> "22 August 1963"; "1960-05" -> "May 1960"; "1977" -> "1977". -->
  <xsl:function name="site:format-date" as="xs:string">
    <xsl:param name="iso" as="xs:string?"/>
    <xsl:variable name="months" select="('January','February','March','April','May','June','July',
                                         'August','September','October','November','December')"/>
    <xsl:choose>
      <xsl:when test="not($iso)"><xsl:sequence select="''"/></xsl:when>
      <xsl:when test="matches($iso, '^\d{4}-\d{2}-\d{2}')">
        <xsl:sequence select="concat(xs:integer(substring($iso, 9, 2)), ' ',
                              $months[xs:integer(substring($iso, 6, 2))], ' ', substring($iso, 1, 4))"/>
      </xsl:when>
      <xsl:when test="matches($iso, '^\d{4}-\d{2}$')">
        <xsl:sequence select="concat($months[xs:integer(substring($iso, 6, 2))], ' ', substring($iso, 1, 4))"/>
      </xsl:when>
      <xsl:otherwise><xsl:sequence select="$iso"/></xsl:otherwise>
    </xsl:choose>
  </xsl:function>

</xsl:stylesheet>
