# sdcMicro localSuppression on Adult with issue 14's keys and k = 3: cells blanked and CPU time
# (run from the repository root: Rscript benchmarks/sdcmicro_localsuppression.R; see benchmarks/README.md).
# sdcMicro cannot parse a key named marital-status, so the column is renamed marital_status.
.libPaths(c(Sys.getenv("R_LIBS_USER"), .libPaths()))
suppressMessages(library(sdcMicro))
adult <- read.csv("testdata/adult/adult.csv", sep=";", check.names=FALSE, colClasses="character")
names(adult)[names(adult)=="marital-status"] <- "marital_status"
keys <- c("age","sex","race","marital_status","education")
for (k in keys) adult[[k]] <- factor(adult[[k]])
t0 <- proc.time()
sdc <- createSdcObj(adult, keyVars=keys)
t1 <- proc.time()
sdc <- localSuppression(sdc, k=3)
t2 <- proc.time()
m <- get.sdcMicroObj(sdc, "manipKeyVars")
cells <- sum(is.na(m))
rows <- sum(rowSums(is.na(m)) > 0)
d <- t2 - t1
cat(sprintf("sdcMicro %s: cells %d rows_touched %d localSuppression cpu %.2f s elapsed %.2f s (createSdcObj cpu %.2f s)\n",
  packageVersion("sdcMicro"), cells, rows, d[["user.self"]] + d[["sys.self"]], d[["elapsed"]], (t1-t0)[["user.self"]] + (t1-t0)[["sys.self"]]))
print(colSums(is.na(m)))
out <- as.data.frame(lapply(m, as.character), check.names=FALSE)
out[is.na(out)] <- "*"
write.table(out, "sdc_out.csv", sep=";", row.names=FALSE, quote=FALSE)
