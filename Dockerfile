FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# postinstall runs `prisma generate`, which needs the schema and its script.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci
COPY . .
RUN npm run build
# glibc's per-thread malloc arenas otherwise hold tens of MB each (see README "Benchmarks").
ENV HOST=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=2
EXPOSE 3000
USER node
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "dist/server.mjs"]
