# Build stage: every dependency (esbuild, the Prisma generator), then the bundle dist/server.mjs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# postinstall runs `prisma generate`, which needs the schema and its script.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci
COPY . .
RUN npm run build

# Production image: runtime dependencies only (no devDependencies, and not the optional embedded PostgreSQL: the
# image runs on DATABASE_URL, as docker-compose.yml gives it), the bundle, the migrations. The CLI (bin/, which
# runs the TypeScript sources) is for a checkout, not this image.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --omit=dev --omit=optional && npm cache clean --force
COPY --from=build /app/dist ./dist
# glibc's per-thread malloc arenas otherwise hold tens of MB each (see README "Benchmarks").
ENV HOST=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=2
EXPOSE 3000
USER node
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "dist/server.mjs"]
